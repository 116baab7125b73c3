import { startHostSimulators } from '../../local/host-worlds';
import { MAX_REPOSITORIES_PER_LIST } from '../../lambdas/services/issue-development';
import { Harness } from '../support/harness';

/** Issue 22: listing an issue's branches and pull requests asks the host at most this often (2 requests per repository, capped repositories). */
export const ISSUE_DEVELOPMENT_HOST_CALLS_BUDGET = 2 * MAX_REPOSITORIES_PER_LIST;

export interface IssueDevelopmentCallsRow {
  readonly case: string;
  /** Requests the GitHub simulator received for the one list request. */
  readonly hostCalls: number;
  /** What the API itself reported (`hostCalls` of the answer). */
  readonly reported: number;
}

/**
 * Counts the host requests behind `GET /api/issues/{key}/development` (a count, not a time): the real
 * API over DynamoDB Local and the real GitHub client against the GitHub simulator. Cases: patgate
 * acted on one repository for the issue; on five (the list reads only the newest three); the same
 * list again within the cache's time.
 */
export const measureIssueDevelopmentCalls = async (dynamoEndpoint: string): Promise<{ rows: IssueDevelopmentCallsRow[]; table: string; violations: string[] }> => {
  process.env.PATGATE_TEST_DYNAMODB_ENDPOINT ??= dynamoEndpoint;
  const hosts = await startHostSimulators();
  const h = await Harness.start(hosts.env);
  try {
    const site = await h.installSite();
    h.jira.grant(site.clientKey, 'bench-admin', 'ADMINISTER');
    const as = { site, accountId: 'bench-dev' };
    h.jira.grant(site.clientKey, as.accountId, 'VIEW_DEV_TOOLS', 'PROJ');
    const created = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: 'bench-admin' }, body: hosts.world('github').integrationBody('GitHub (bench)', false) });
    const integrationId = String(created.body.id);
    const main = hosts.github.getBranch('acme/web', 'main')?.commitId ?? '0'.repeat(40);
    const repositories = Array.from({ length: 5 }, (_, i) => `acme/bench-${i}`);
    for (const fullName of repositories) hosts.github.seedRepository({ fullName, defaultBranch: 'main', branches: { main }, collaborators: { 'svc-bot': 'write' } });
    const act = async (issueKey: string, repositoryId: string): Promise<void> => {
      const res = await h.call('POST', '/api/git/branches', { as, body: { integrationId, repositoryId, issueKey, branchName: `${issueKey}-work`, fromRef: 'main' } });
      if (res.status !== 201) throw new Error(`creating a branch answered ${res.status}`);
    };
    const list = async (label: string, issueKey: string): Promise<IssueDevelopmentCallsRow> => {
      const before = hosts.github.requests.length;
      const res = await h.call('GET', `/api/issues/${issueKey}/development`, { as, query: { integrationId } });
      if (res.status !== 200) throw new Error(`the development list answered ${res.status}`);
      return { case: label, hostCalls: hosts.github.requests.length - before, reported: Number(res.body.hostCalls) };
    };
    await act('PROJ-1', repositories[0] ?? '');
    for (const repositoryId of repositories) await act('PROJ-2', repositoryId);
    const rows = [await list('patgate acted on 1 repository for the issue', 'PROJ-1'), await list('on 5 repositories (the newest 3 are read)', 'PROJ-2'), await list('the same list again (cached)', 'PROJ-2')];
    const lines = rows.map((r) => `| ${r.case} | ${r.hostCalls} | ${r.reported} |`);
    return {
      rows,
      table: `### Issue panel: host requests to list an issue's branches and pull requests (target ≤ ${ISSUE_DEVELOPMENT_HOST_CALLS_BUDGET})\n\n| case | host requests | reported by the API |\n|---|---:|---:|\n${lines.join('\n')}\n`,
      violations: rows.filter((r) => r.hostCalls > ISSUE_DEVELOPMENT_HOST_CALLS_BUDGET || r.hostCalls !== r.reported).map((r) => `listing an issue's branches and pull requests made ${r.hostCalls} host requests (${r.case}; reported ${r.reported}), budget ${ISSUE_DEVELOPMENT_HOST_CALLS_BUDGET}`),
    };
  } finally {
    await h.stop();
    await hosts.stop();
  }
};
