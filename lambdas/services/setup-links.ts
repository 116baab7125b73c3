import type { TenantRecord } from '../domain/records';

/** The app's user settings page for an integration, inside the user's Jira (a Connect general page). */
export const setupUrl = (tenant: Pick<TenantRecord, 'baseUrl'>, appKey: string, integrationId: string): string =>
  `${tenant.baseUrl}/plugins/servlet/ac/${encodeURIComponent(appKey)}/patgate-user-settings?ac.integrationId=${encodeURIComponent(integrationId)}`;
