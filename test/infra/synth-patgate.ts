import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { Template } from 'aws-cdk-lib/assertions';
import type { PatgateDataStack } from '../../lib/patgate-data-stack';
import { readPatgateSettings, type PatgateSettings } from '../../lib/patgate-settings';
import type { PatgateStack } from '../../lib/patgate-stack';
import { PatgateStage, stageIdOf } from '../../lib/patgate-stage';

export const TEST_ORIGIN = 'https://patgate-app.example.com';

export const cdkJsonContext = (): Record<string, unknown> => {
  const cdkJson = JSON.parse(readFileSync(path.join(__dirname, '../../cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
};

export interface SynthesizedPatgate {
  readonly stage: PatgateStage;
  /** The application stack. */
  readonly stack: PatgateStack;
  /** The data stack: keys, table, queues (lib/patgate-data-stack.ts). */
  readonly dataStack: PatgateDataStack;
  /**
   * Both stacks as one deployed environment: the data stack's resources beside the application
   * stack's, and every cross-stack reference (`Fn::GetStackOutput` of the data stack) replaced by
   * the output's value, as CloudFormation resolves it at deploy. The assertions about what the
   * functions may reach read this.
   */
  readonly template: Template;
  readonly appTemplate: Template;
  readonly dataTemplate: Template;
}

type Json = Record<string, unknown>;

/** Replaces each `Fn::GetStackOutput` of `producer` in `value` with the producer's output value. */
const resolveOutputsOf = (value: unknown, producer: string, outputs: Readonly<Record<string, { Value: unknown }>>): unknown => {
  if (Array.isArray(value)) return value.map((item) => resolveOutputsOf(item, producer, outputs));
  if (typeof value !== 'object' || value === null) return value;
  const reference = (value as Json)['Fn::GetStackOutput'] as { StackName?: string; OutputName?: string } | undefined;
  if (reference && Object.keys(value).length === 1 && reference.StackName === producer) {
    const output = outputs[reference.OutputName ?? ''];
    if (!output) throw new Error(`${producer} has no output ${String(reference.OutputName)}`);
    return output.Value;
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveOutputsOf(item, producer, outputs)]));
};

export const mergedTemplate = (stage: PatgateStage): { template: Template; appTemplate: Template; dataTemplate: Template } => {
  const appTemplate = Template.fromStack(stage.app);
  const dataTemplate = Template.fromStack(stage.data);
  const app = appTemplate.toJSON() as { Resources: Json; Outputs?: Json };
  const data = dataTemplate.toJSON() as { Resources: Json; Outputs: Record<string, { Value: unknown }> };
  const collisions = Object.keys(app.Resources).filter((id) => id in data.Resources && id !== 'CDKMetadata');
  if (collisions.length > 0) throw new Error(`logical ids in both stacks: ${collisions.join(', ')}`);
  const resolved = resolveOutputsOf(app, stage.data.stackName, data.Outputs) as { Resources: Json; Outputs?: Json };
  const template = Template.fromJSON({ ...resolved, Resources: { ...data.Resources, ...resolved.Resources } }, { skipCyclicalDependenciesCheck: true });
  return { template, appTemplate, dataTemplate };
};

const synthStage = (app: App, settings: PatgateSettings, region: string, beforeSynth: (stack: PatgateStack) => void, account?: string): SynthesizedPatgate => {
  const stage = new PatgateStage(app, stageIdOf(settings), { env: { account, region }, settings });
  beforeSynth(stage.app);
  return { stage, stack: stage.app, dataStack: stage.data, ...mergedTemplate(stage) };
};

const appWith = (outdir: string, context: Record<string, unknown> = {}): App =>
  new App({ outdir, builtinCloudFormationValidation: false, context: { ...cdkJsonContext(), ...context, 'aws:cdk:bundling-stacks': [] } });

/**
 * The environment as `cdk synth` builds it (cdk.json's feature flags), without bundling: the Lambda
 * code is a placeholder asset, so a synth takes a second instead of six esbuild runs. CloudFormation
 * schema validation is left to `cdk synth` and the cdk-nag plugin test: it costs ~7 s per file.
 */
export const synthPatgate = (settings: Partial<PatgateSettings> = {}, beforeSynth: (stack: PatgateStack) => void = () => undefined): SynthesizedPatgate => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'patgate-synth-'));
  try {
    return synthStage(appWith(outdir), { allowedOrigin: TEST_ORIGIN, appKey: 'patgate', tracing: false, ...settings }, 'us-east-1', beforeSynth);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

/** The environment as bin/patgate.ts builds it from context (`-c key=value`, `account` included), without bundling. */
export const synthFromContext = (context: Record<string, string>, region = 'us-east-1'): SynthesizedPatgate => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'patgate-ctx-'));
  try {
    const app = appWith(outdir, context);
    return synthStage(app, readPatgateSettings(app.node), region, () => undefined, context.account);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

/** The logical id CloudFormation knows a construct's resource by. */
export const logicalIdOf = (construct: IConstruct): string => {
  const resource = construct.node.defaultChild ?? construct;
  if (!CfnElement.isCfnElement(resource)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  const stack = Stack.of(resource);
  return String(stack.resolve(stack.getLogicalId(resource)));
};
