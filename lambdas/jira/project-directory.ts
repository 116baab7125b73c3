import { AppError, type FieldError } from '../domain/errors';
import type { ProjectRef } from '../domain/project-association';
import { jiraUnavailable, type JiraRestClient } from './jira-rest-client';

/**
 * Jira's projects through "Get projects paginated", `GET /rest/api/3/project/search`
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-search-get):
 * a PageBeanProject `{ startAt, maxResults, total, isLast, values: [{ id, key, name }] }`; `startAt`
 * and `maxResults` page it (at most 100 per page), `keys` and `id` filter by key or numeric id (up to
 * 50 each), `query` matches key or name. Ids are strings in the answer, as everywhere in Jira's REST API.
 */
export interface JiraProject extends ProjectRef {
  readonly name: string;
}

export interface ProjectPage {
  readonly projects: readonly JiraProject[];
  readonly startAt: number;
  readonly total: number;
  readonly isLast: boolean;
}

const NUMERIC_ID = /^[1-9][0-9]{0,17}$/;
/** Jira project keys: an uppercase letter, then uppercase letters, digits or underscores. */
export const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,254}$/;
const FILTER_LIMIT = 50;

const projectsOf = (body: unknown): JiraProject[] => {
  const values = (body as { values?: unknown } | undefined)?.values;
  if (!Array.isArray(values)) throw jiraUnavailable('Jira answered the project search without its projects');
  return values.flatMap((value: unknown) => {
    const { id, key, name } = (value ?? {}) as Record<string, unknown>;
    const projectId = String(id ?? '');
    if (!NUMERIC_ID.test(projectId) || typeof key !== 'string') return [];
    return [{ id: projectId, key, name: typeof name === 'string' ? name : key }];
  });
};

/** One page of the site's projects (the admin form's list). */
export const searchProjects = async (jira: JiraRestClient, page: { startAt: number; maxResults: number; query?: string }): Promise<ProjectPage> => {
  const query: Record<string, string> = { startAt: String(page.startAt), maxResults: String(page.maxResults), orderBy: 'key' };
  if (page.query) query.query = page.query;
  const answer = await jira.send('GET', '/rest/api/3/project/search', { query });
  if (answer.status !== 200) throw jiraUnavailable('Jira did not answer the project search');
  const body = answer.body as { startAt?: unknown; total?: unknown; isLast?: unknown };
  const projects = projectsOf(answer.body);
  return {
    projects,
    startAt: typeof body.startAt === 'number' ? body.startAt : page.startAt,
    total: typeof body.total === 'number' ? body.total : projects.length,
    isLast: body.isLast !== false,
  };
};

const filtered = async (jira: JiraRestClient, filter: 'keys' | 'id', values: readonly string[]): Promise<JiraProject[]> => {
  if (values.length === 0) return [];
  const answer = await jira.send('GET', '/rest/api/3/project/search', { query: { [filter]: values.join(','), maxResults: String(FILTER_LIMIT) } });
  if (answer.status !== 200) throw jiraUnavailable('Jira did not answer the project search');
  return projectsOf(answer.body);
};

/**
 * The projects an admin named (keys like `DEMO` or Jira's numeric ids), as Jira knows them: at most
 * two filtered searches. A name Jira does not know is 400 VALIDATION_FAILED naming `field[i]`.
 */
export const resolveProjects = async (jira: JiraRestClient, named: readonly string[], field: string): Promise<ProjectRef[]> => {
  if (named.length > FILTER_LIMIT) throw new AppError('VALIDATION_FAILED', 'Too many projects.', { errors: [{ field, message: `at most ${FILTER_LIMIT} projects` }] });
  const ids = named.filter((n) => NUMERIC_ID.test(n));
  const keys = named.filter((n) => !NUMERIC_ID.test(n));
  const [byKey, byId] = await Promise.all([filtered(jira, 'keys', keys), filtered(jira, 'id', ids)]);
  const errors: FieldError[] = [];
  const found: ProjectRef[] = [];
  named.forEach((name, index) => {
    const project = NUMERIC_ID.test(name) ? byId.find((p) => p.id === name) : byKey.find((p) => p.key === name);
    if (project) found.push({ id: project.id, key: project.key });
    else errors.push({ field: `${field}[${index}]`, message: `Jira knows no project ${name}` });
  });
  if (errors.length) throw new AppError('VALIDATION_FAILED', 'Jira does not know every project named.', { errors });
  // One project named twice (by key and by id) is stored once.
  return [...new Map(found.map((p) => [p.id, p])).values()];
};
