import type { TfsVersion } from '../../domain/integration';

/** A simulated server: Azure DevOps Services (and VSTS), or an on-premises TFS / Azure DevOps Server release. */
export type ServerVersion = 'services' | TfsVersion;

/**
 * The newest REST API version each release serves (Microsoft's "REST API versioning" table; TFS 2013's
 * 1.0 was never documented). TFS 2017 is modelled at RTM (3.0), before the ResourceAreas API of 3.2.
 */
export const MAX_API_VERSION: Readonly<Record<ServerVersion, string>> = {
  services: '7.1',
  '2022': '7.0',
  '2020': '6.0',
  '2019': '5.0',
  '2018': '4.1',
  '2017': '3.0',
  '2015': '2.0',
  '2013': '1.0',
};

export interface ApiVersion {
  readonly major: number;
  readonly minor: number;
  readonly preview: boolean;
  /** `7.1-preview.2` → 2. */
  readonly resourceVersion?: number;
  readonly text: string;
}

const API_VERSION_PATTERN = /^(\d+)\.(\d+)(-preview(?:\.(\d+))?)?$/;

export const parseApiVersion = (text: string): ApiVersion | undefined => {
  const match = API_VERSION_PATTERN.exec(text.trim());
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    preview: match[3] !== undefined,
    resourceVersion: match[4] === undefined ? undefined : Number(match[4]),
    text: text.trim(),
  };
};

/** Negative when `a` is older than `b`, by major.minor only. */
export const compareApiVersions = (a: Pick<ApiVersion, 'major' | 'minor'>, b: Pick<ApiVersion, 'major' | 'minor'>): number =>
  a.major === b.major ? a.minor - b.minor : a.major - b.major;

/** The version a request asks for: the `api-version` query parameter, else the Accept header's parameter. */
export const requestedApiVersion = (query: URLSearchParams, accept: string | undefined): string | undefined => {
  const fromQuery = query.get('api-version');
  if (fromQuery !== null) return fromQuery;
  const fromAccept = /api-version\s*=\s*([^;,\s]+)/i.exec(accept ?? '');
  return fromAccept?.[1];
};
