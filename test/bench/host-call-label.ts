import type { RecordedRequest } from '../../simulators/kit/loopback-server';

export interface HostCallLabel {
  /** The host API operation, named as its client library or API reference names it. */
  readonly label: string;
  /** Azure DevOps' API-version negotiation (OPTIONS on the area), not the operation itself. */
  readonly negotiation: boolean;
}

const REST_OPERATIONS: readonly (readonly [method: string, path: RegExp, label: string])[] = [
  ['GET', /\/git\/ref\//, 'getRef'],
  ['POST', /\/git\/refs$/, 'createRef'],
  ['DELETE', /\/git\/refs\//, 'deleteRef'],
  ['POST', /\/repos\/[^/]+\/[^/]+\/pulls$/, 'pulls.create'],
  ['POST', /\/repository\/branches$/, 'Branches.create'],
  ['DELETE', /\/repository\/branches\//, 'Branches.remove'],
  ['POST', /\/merge_requests$/, 'MergeRequests.create'],
  ['GET', /\/_apis\/git\/repositories\/[^/]+\/refs$/, 'getRefs'],
  ['POST', /\/_apis\/git\/repositories\/[^/]+\/refs$/, 'updateRefs'],
  ['POST', /\/_apis\/git\/repositories\/[^/]+\/pullrequests$/i, 'createPullRequest'],
];

/** Names one recorded simulator request; unknown ones keep their method and path so they show up. */
export const hostCallLabel = (request: RecordedRequest): HostCallLabel => {
  const target = request.headers['x-amz-target'];
  if (target) return { label: target.slice(target.indexOf('.') + 1), negotiation: false };
  if (request.method === 'OPTIONS') return { label: 'OPTIONS', negotiation: true };
  const known = REST_OPERATIONS.find(([method, path]) => method === request.method && path.test(request.path));
  return { label: known?.[2] ?? `${request.method} ${request.path}`, negotiation: false };
};
