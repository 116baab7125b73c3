/**
 * The modules of jira-app/manifest.yml whose invocations reach the remote, by manifest key. A FIT
 * names the module it was minted for (`app.module.key`, and `context.moduleKey`), so each route of
 * the route table says which of these may call it (docs/architecture.md §2).
 */
export const FORGE_MODULES = {
  adminPage: 'patgate-admin',
  issueContext: 'patgate-issue-context',
  userSettings: 'patgate-user-settings',
  lifecycleTrigger: 'patgate-lifecycle-events',
  privacyReportTrigger: 'patgate-privacy-report',
} as const;

export type ForgeModuleKey = (typeof FORGE_MODULES)[keyof typeof FORGE_MODULES];

/** The pages a Jira user works in: the issue view (its context panel) and the personal settings page. */
export const USER_PAGE_MODULES: readonly ForgeModuleKey[] = [FORGE_MODULES.issueContext, FORGE_MODULES.userSettings];
/** Jira's app administration page. */
export const ADMIN_PAGE_MODULES: readonly ForgeModuleKey[] = [FORGE_MODULES.adminPage];
/** The lifecycle trigger (installed, upgraded, uninstalled); its FITs carry no principal. */
export const LIFECYCLE_TRIGGER_MODULES: readonly ForgeModuleKey[] = [FORGE_MODULES.lifecycleTrigger];
/** The hourly scheduled trigger of the personal data report (docs/privacy.md); its FITs carry no principal. */
export const PRIVACY_REPORT_TRIGGER_MODULES: readonly ForgeModuleKey[] = [FORGE_MODULES.privacyReportTrigger];

/**
 * `app.module.type` of a trigger invocation: `core:trigger`, as a trigger FIT carries it (module
 * types are the manifest module's type with the product prefix; a webtrigger is `core:webtrigger`
 * in the Forge context API example, https://developer.atlassian.com/platform/forge/rest/v2/api-group-forge-context/).
 */
export const TRIGGER_MODULE_TYPE = 'core:trigger';
