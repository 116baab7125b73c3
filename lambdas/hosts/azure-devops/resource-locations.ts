import { compareApiVersions, MAX_API_VERSION, parseApiVersion, type ServerVersion } from './api-version';

/** One entry of an `OPTIONS {collection}/_apis/{area}` answer, as the location service returns it. */
export interface ResourceLocation {
  readonly id: string;
  readonly area: string;
  readonly resourceName: string;
  readonly routeTemplate: string;
  readonly resourceVersion: number;
  readonly minVersion: string;
  readonly maxVersion: string;
  readonly releasedVersion: string;
}

export const GIT_AREA_ID = '4e080c62-fa21-4fbc-8fef-2a10a2b38049';
export const REFS_LOCATION_ID = '2d874a60-a811-4f62-9c9f-963a6ea0a55b';
export const REPOSITORIES_LOCATION_ID = '225f7195-f9c7-4d14-ab28-a83f7ff77e1f';
export const PULL_REQUESTS_LOCATION_ID = '9946fd70-0d40-406e-b686-b4744cbbcc37';
const CONNECTION_DATA_LOCATION_ID = '00d9565f-ed9c-4a06-9a50-00e7896ccab4';
const SERVICE_DEFINITIONS_LOCATION_ID = 'd810a47d-f4f4-4a62-a03f-fa1860585c4c';
const RESOURCE_AREAS_LOCATION_ID = 'e81700f7-3be2-46de-8624-2eb35882fcaa';

/** ResourceAreas (what `WebApi.getGitApi()` looks up first) arrived with REST 3.2. */
const RESOURCE_AREAS_SINCE = { major: 3, minor: 2 };

/** Pull requests stayed preview-only (released 0.0) on the 1.0 and 2.0 servers, as their location answers show. */
const PULL_REQUESTS_RELEASED_SINCE = { major: 3, minor: 0 };

const location = (
  id: string,
  area: string,
  resourceName: string,
  routeTemplate: string,
  maxVersion: string,
  releasedVersion = maxVersion,
  resourceVersion = 1,
): ResourceLocation => ({ id, area, resourceName, routeTemplate, resourceVersion, minVersion: '1.0', maxVersion, releasedVersion });

const apiVersionOf = (server: ServerVersion) => {
  const parsed = parseApiVersion(MAX_API_VERSION[server]);
  if (!parsed) throw new Error(`no API version for ${server}`);
  return parsed;
};

const gitLocations = (server: ServerVersion): ResourceLocation[] => {
  const max = MAX_API_VERSION[server];
  const pullRequestsReleased = compareApiVersions(apiVersionOf(server), PULL_REQUESTS_RELEASED_SINCE) >= 0 ? max : '0.0';
  return [
    location(REPOSITORIES_LOCATION_ID, 'git', 'repositories', '{project}/_apis/{area}/{resource}/{repositoryId}', max),
    location(REFS_LOCATION_ID, 'git', 'refs', '{project}/_apis/{area}/repositories/{repositoryId}/{resource}/{*filter}', max),
    location(
      PULL_REQUESTS_LOCATION_ID,
      'git',
      'pullRequests',
      '{project}/_apis/{area}/repositories/{repositoryId}/{resource}/{pullRequestId}',
      max,
      pullRequestsReleased,
    ),
  ];
};

const locationAreaLocations = (server: ServerVersion): ResourceLocation[] => {
  const max = MAX_API_VERSION[server];
  const common = [
    location(CONNECTION_DATA_LOCATION_ID, 'Location', 'ConnectionData', '_apis/{resource}', max, '0.0'),
    location(SERVICE_DEFINITIONS_LOCATION_ID, 'Location', 'ServiceDefinitions', '_apis/{resource}/{serviceType}/{identifier}', max, '0.0'),
  ];
  if (compareApiVersions(apiVersionOf(server), RESOURCE_AREAS_SINCE) < 0) return common;
  return [...common, { ...location(RESOURCE_AREAS_LOCATION_ID, 'Location', 'ResourceAreas', '_apis/{resource}/{areaId}', max, '0.0'), minVersion: '3.2' }];
};

/** The locations a server lists for an area (case-insensitive, like the server); none for other areas. */
export const resourceLocations = (server: ServerVersion, area: string): ResourceLocation[] => {
  const name = area.toLowerCase();
  if (name === 'git') return gitLocations(server);
  if (name === 'location') return locationAreaLocations(server);
  return [];
};

export const findLocation = (server: ServerVersion, area: string, id: string): ResourceLocation | undefined =>
  resourceLocations(server, area).find((entry) => entry.id === id);

export const supportsResourceAreas = (server: ServerVersion): boolean =>
  compareApiVersions(apiVersionOf(server), RESOURCE_AREAS_SINCE) >= 0;
