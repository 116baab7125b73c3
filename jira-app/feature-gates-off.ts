/**
 * What the pages get for `@atlaskit/feature-gate-js-client` (build.ts aliases it here): the same
 * static API as its `FeatureGates` default export, answering every gate "off" and every experiment,
 * layer and config with the caller's default.
 *
 * Why that is safe: Atlaskit components read their gates through `@atlaskit/platform-feature-flags`
 * (`fg()`), which asks `FeatureGates.checkGate` when no product has set a resolver, and the real
 * client, never initialised, answers `false` (its `checkGate` catches the not-initialised error and
 * returns false; `getExperimentValue` returns the default: node_modules/@atlaskit/feature-gate-js-client,
 * dist/esm/client/Client.js). Nothing in a Custom UI page initialises it: the app has no Statsig key
 * and Jira's own client lives in Jira's frame, not in the app's iframe. So the pages already ran with
 * every gate off; this answers the same without the client and Statsig (about 120 KB minified).
 */

interface DefaultValued {
  get<T>(parameterName: string, defaultValue: T): T;
}

const empty: DefaultValued = { get: (_parameterName, defaultValue) => defaultValue };
const unsubscribe = (): void => undefined;
const refused = (): Promise<never> => Promise.reject(new Error('feature gates are off in patgate pages (jira-app/feature-gates-off.ts)'));

const FeatureGates = {
  checkGate: (_gateName: string, _options?: unknown): boolean => false,
  isGateExists: (_gateName: string): boolean => false,
  isExperimentExists: (_experimentName: string): boolean => false,
  getExperiment: (_experimentName: string, _options?: unknown): DefaultValued => empty,
  getExperimentValue: <T>(_experimentName: string, _parameterName: string, defaultValue: T, _options?: unknown): T => defaultValue,
  getLayer: (_layerName: string, _options?: unknown): DefaultValued => empty,
  getLayerValue: <T>(_layerName: string, _parameterName: string, defaultValue: T, _options?: unknown): T => defaultValue,
  initializeCalled: (): boolean => false,
  initializeCompleted: (): boolean => false,
  waitUntilInitializeCompleted: refused,
  initialize: refused,
  initializeWithProvider: refused,
  initializeFromValues: refused,
  updateUser: refused,
  updateUserWithProvider: refused,
  updateUserWithValues: refused,
  manuallyLogGateExposure: (_gateName: string): void => undefined,
  manuallyLogExperimentExposure: (_experimentName: string): void => undefined,
  manuallyLogLayerExposure: (_layerName: string, _parameterName: string): void => undefined,
  shutdownStatsig: (): void => undefined,
  overrideGate: (_gateName: string, _value: boolean): void => undefined,
  clearGateOverride: (_gateName: string): void => undefined,
  overrideConfig: (_experimentName: string, _values: Record<string, unknown>): void => undefined,
  clearConfigOverride: (_experimentName: string): void => undefined,
  setOverrides: (_overrides: unknown): void => undefined,
  getOverrides: (): { gates: Record<string, boolean>; configs: Record<string, unknown>; layers: Record<string, unknown> } => ({ gates: {}, configs: {}, layers: {} }),
  clearAllOverrides: (): void => undefined,
  isCurrentUser: (_identifiers: unknown, _customAttributes?: unknown): boolean => false,
  onGateUpdated: (_gateName: string, _callback: (value: boolean) => void, _options?: unknown): (() => void) => unsubscribe,
  onExperimentValueUpdated: (_experimentName: string, _parameterName: string, _defaultValue: unknown, _callback: (value: unknown) => void, _options?: unknown): (() => void) => unsubscribe,
  onAnyUpdated: (_callback: () => void): (() => void) => unsubscribe,
  getPackageVersion: (): string => 'off',
  getTargetApp: (): string | undefined => undefined,
};

export default FeatureGates;
