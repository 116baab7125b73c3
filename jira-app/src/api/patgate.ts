import type { ProviderKind, TfsVersion } from '../../../lambdas/domain/integration';
import type { AuditEntry } from '../../../lambdas/domain/records';
import type { IntegrationView } from '../../../lambdas/services/integration-service';
import type { MyIntegrationView } from '../../../lambdas/services/token-service';
import { call, type ApiResult } from './client';

/** Typed calls of the patgate API (README "API"), all through the one client. */
export type { AuditEntry, IntegrationView, MyIntegrationView, ProviderKind, TfsVersion };

const at = (...segments: string[]): string => segments.map((s) => (s.startsWith('/') ? s : encodeURIComponent(s))).join('/');

export type Credential = { token: string } | { accessKeyId: string; secretAccessKey: string } | { username: string; password: string };

export interface CreateIntegrationBody {
  name: string;
  provider: ProviderKind;
  baseUrl?: string;
  region?: string;
  tfsVersion?: TfsVersion;
  requireUserPat: boolean;
  serviceCredential: Credential;
}

export type PatchIntegrationBody = Partial<Omit<CreateIntegrationBody, 'provider'>>;

export interface AuditPage {
  readonly entries: readonly AuditEntry[];
  readonly nextCursor?: string;
}

export type SaveTokenBody = ({ token: string } | { accessKeyId: string; secretAccessKey: string }) & { expiresAt?: string };

export interface Signal {
  readonly signal?: AbortSignal;
}

/** The version the API answered, as the If-Match a change must send back. */
export const ifMatchOf = (result: ApiResult<IntegrationView>): string => result.headers.etag ?? `"${result.body.version}"`;

export const admin = {
  list: async (): Promise<IntegrationView[]> => (await call<{ integrations: IntegrationView[] }>('GET', '/api/admin/integrations')).body.integrations,
  get: (id: string): Promise<ApiResult<IntegrationView>> => call<IntegrationView>('GET', at('/api/admin/integrations', id)),
  create: (body: CreateIntegrationBody, options: Signal = {}): Promise<ApiResult<IntegrationView>> =>
    call<IntegrationView>('POST', '/api/admin/integrations', { body, signal: options.signal }),
  update: (id: string, ifMatch: string, body: PatchIntegrationBody, options: Signal = {}): Promise<ApiResult<IntegrationView>> =>
    call<IntegrationView>('PATCH', at('/api/admin/integrations', id), { body, headers: { 'if-match': ifMatch }, signal: options.signal }),
  remove: async (id: string, ifMatch: string): Promise<void> => void (await call('DELETE', at('/api/admin/integrations', id), { headers: { 'if-match': ifMatch } })),
  /** Per-repository override; the repository id travels in the body because it may hold `/`. */
  setOverride: async (id: string, repositoryId: string, requireUserPat: boolean | null): Promise<void> =>
    void (await call('PUT', at('/api/admin/integrations', id, 'repositories'), { body: { repositoryId, requireUserPat } })),
  audit: async (query: { integrationId?: string; limit?: number; cursor?: string }): Promise<AuditPage> =>
    (await call<AuditPage>('GET', '/api/admin/audit', { query })).body,
};

export const me = {
  integrations: async (): Promise<MyIntegrationView[]> => (await call<{ integrations: MyIntegrationView[] }>('GET', '/api/me/integrations')).body.integrations,
  saveToken: async (id: string, body: SaveTokenBody, options: Signal = {}): Promise<MyIntegrationView> =>
    (await call<MyIntegrationView>('PUT', at('/api/me/tokens', id), { body, signal: options.signal })).body,
  removeToken: async (id: string): Promise<void> => void (await call('DELETE', at('/api/me/tokens', id))),
};
