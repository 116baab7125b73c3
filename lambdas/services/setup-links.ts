import type { TenantRecord } from '../domain/records';
import { environmentKeyOf } from '../jira/forge-invocation-token';

type LinkTenant = Pick<TenantRecord, 'baseUrl'> & Partial<Pick<TenantRecord, 'forgeAppId' | 'forgeEnvironmentId'>>;

const lastSegment = (value: string): string => value.slice(value.lastIndexOf('/') + 1);

/**
 * The app's personal settings page inside the user's Jira, with the integration focused: the
 * `jira:personalSettingsPage` module (`patgate-user-settings`), whose URL is
 * `/jira/settings/personal/apps/{appId}/{envId}`
 * (https://developer.atlassian.com/platform/forge/manifest-reference/modules/jira-personal-settings-page/).
 * Both are ids, not ARIs: the FIT names the environment as
 * `ari:cloud:ecosystem::environment/<app uuid>/<env uuid>`, so the link takes its last segment.
 * Site-relative when the site's URL is not known (the pages navigate inside their own site).
 */
export const setupUrl = (tenant: LinkTenant, integrationId: string): string => {
  const focus = encodeURIComponent(integrationId);
  const app = encodeURIComponent(lastSegment(tenant.forgeAppId ?? ''));
  const env = encodeURIComponent(environmentKeyOf(tenant.forgeEnvironmentId ?? ''));
  return `${tenant.baseUrl}/jira/settings/personal/apps/${app}/${env}?integrationId=${focus}`;
};
