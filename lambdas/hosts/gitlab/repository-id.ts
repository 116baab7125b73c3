import { invalidRepositoryId, trimmed, type RepositoryIdRule } from '../repository-id-rule';

/**
 * GitLab.com and self-managed: a project is named by its numeric id or by its full path
 * `group/subgroup/project` (REST API docs, "Namespaced paths": `:id` is "the ID or URL-encoded path
 * of the project").
 * - Paths are matched case-insensitively by GitLab (`Routable.find_by_full_path` compares
 *   lower-cased routes), so the canonical path is lower-cased.
 * - Path segments: letters, digits, `_`, `.`, `-`, starting with a letter, digit or `_`, not ending
 *   in `.git` or `.atom` (GitLab "Reserved project and group names" / path format rules).
 * - The numeric id and the path of one project cannot be matched offline: actions resolve the
 *   spelling with `GET /projects/:id` and use both the host's `id` and `path_with_namespace`.
 */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;
const NUMERIC_ID = /^[1-9][0-9]{0,18}$/;

export const gitLabRepositoryId: RepositoryIdRule = {
  resolvedByHost: true,
  canonical(raw) {
    const id = trimmed(raw);
    if (NUMERIC_ID.test(id)) return id;
    const segments = id.split('/');
    const valid = segments.length >= 2 && segments.every((s) => SEGMENT.test(s) && !/\.(git|atom)$/i.test(s));
    if (!valid) throw invalidRepositoryId('GitLab projects are named by their numeric id or their path group/project');
    return id.toLowerCase();
  },
};

/** The canonical spellings of a project the host described: its id and its full path. */
export const gitLabProjectKeys = (project: { id: number; path_with_namespace: string }): string[] => [
  String(project.id),
  project.path_with_namespace.toLowerCase(),
];
