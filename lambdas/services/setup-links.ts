import type { TenantRecord } from '../domain/records';

type LinkTenant = Pick<TenantRecord, 'baseUrl'> & Partial<Pick<TenantRecord, 'platform' | 'forgeAppId' | 'forgeEnvironmentId'>>;

/**
 * The app's personal settings page inside the user's Jira, with the integration focused.
 * - Forge tenants: the `jira:personalSettingsPage` module (`patgate-user-settings`), whose URL is
 *   `/jira/settings/personal/apps/{appId}/{envId}` (Forge manifest reference, "Jira personal
 *   settings page"); the page reads `integrationId` from the query.
 * - Connect tenants: the Connect general page `patgate-user-settings`.
 */
export const setupUrl = (tenant: LinkTenant, appKey: string, integrationId: string): string => {
  const focus = encodeURIComponent(integrationId);
  if (tenant.platform === 'forge') {
    const app = encodeURIComponent(tenant.forgeAppId ?? '');
    const env = encodeURIComponent(tenant.forgeEnvironmentId ?? '');
    return `${tenant.baseUrl}/jira/settings/personal/apps/${app}/${env}?integrationId=${focus}`;
  }
  return `${tenant.baseUrl}/plugins/servlet/ac/${encodeURIComponent(appKey)}/patgate-user-settings?ac.integrationId=${focus}`;
};
