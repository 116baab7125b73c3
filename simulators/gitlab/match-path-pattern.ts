/**
 * Matches path segments against a pattern such as `['projects', ':id', 'merge_requests']`.
 * Segments arrive percent-encoded (`group%2Fproject`, `feature%2Fx`) and parameters are decoded,
 * so a raw `/` never matches a parameter, as with GitLab's routes.
 */
export const matchPathPattern = (pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined => {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index] ?? '';
    if (!part.startsWith(':')) {
      if (part !== segment) return undefined;
      continue;
    }
    try {
      params[part.slice(1)] = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
  }
  return params;
};
