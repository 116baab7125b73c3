import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createGitHubProvider } from '../../../lambdas/hosts/github/adapter';
import { GitHubSimulator } from '../../../simulators/github/simulator';
import { REPOSITORY, SHORT, seedWorld, tokenCredential } from './github-world';
import { OpenApiContract, type OpenApiDocument } from './openapi-contract';
import { sendRequest } from './send-request';
import type { GitProvider } from '../../../lambdas/hosts/git-provider';

/** GitHub implements the optional issue-development read; the factory's type says it may not. */
const developmentReader = (provider: GitProvider) => {
  const { listIssueDevelopment } = provider;
  if (!listIssueDevelopment) throw new Error('the GitHub adapter lists issue development');
  return { list: listIssueDevelopment.bind(provider) };
};

const SPECS = path.resolve(__dirname, '../../../../shared/specs/github');

/**
 * The GitHub adapter's `listIssueDevelopment` against the simulator: exactly two requests (the first
 * page of branches and of pull requests, state=all), states read as GitHub documents them (closed
 * with `merged_at` is merged), and the simulator's list answer checked against GitHub's description.
 * The subset file has `POST /repos/{owner}/{repo}/pulls` only; its 201 schema (`pull-request`) holds
 * every member the list's `pull-request-simple` items carry that the adapter reads (number, title,
 * state, html_url, head.ref, base.ref, user.login, merged_at), so a list item is checked against it
 * (https://docs.github.com/en/rest/pulls/pulls#list-pull-requests).
 */
const pinnedPulls = (file: string): OpenApiDocument['paths'] => {
  const subset = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  const pulls = subset.paths['/repos/{owner}/{repo}/pulls'];
  const item = pulls?.post?.responses['201']?.content?.['application/json']?.schema;
  if (!pulls || !item) throw new Error('the subset has no POST /repos/{owner}/{repo}/pulls 201 schema');
  return { '/repos/{owner}/{repo}/pulls': { ...pulls, get: { responses: { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'array', items: item } } } } } } } } as OpenApiDocument['paths'];
};

const sim = new GitHubSimulator();
beforeAll(async () => {
  await sim.start();
});
afterAll(async () => {
  await sim.stop();
});

describe.each([
  ['github', '', 'api.github.com.subset.json'],
  ['github-enterprise', '/api/v3', 'ghes-3.17.subset.json'],
] as const)('%s: the issue\'s branches and pull requests', (provider, prefix, spec) => {
  const file = path.join(SPECS, spec);
  const contract = new OpenApiContract(file, pinnedPulls(file));

  it('two requests; open, merged and closed pull requests carrying the key; ABC-70 is not ABC-7', async () => {
    sim.reset();
    const world = seedWorld(sim);
    const github = createGitHubProvider(sim.hostTarget(provider), SHORT);
    const alice = tokenCredential(world.aliceToken);
    for (const branchName of ['feature/ABC-7', 'abc-7-more', 'ABC-70-other', 'unrelated']) {
      await github.createBranch(alice, { repository: REPOSITORY, branchName, fromRef: 'main' });
      sim.pushCommit(REPOSITORY, branchName);
    }
    const open = await github.createPullRequest(alice, { repository: REPOSITORY, sourceBranch: 'feature/ABC-7', targetBranch: 'main', title: 'Feature' });
    const merged = await github.createPullRequest(alice, { repository: REPOSITORY, sourceBranch: 'abc-7-more', targetBranch: 'main', title: 'More' });
    const closed = await github.createPullRequest(alice, { repository: REPOSITORY, sourceBranch: 'unrelated', targetBranch: 'main', title: 'Fixes ABC-7 too' });
    await github.createPullRequest(alice, { repository: REPOSITORY, sourceBranch: 'ABC-70-other', targetBranch: 'main', title: 'Other issue' });
    sim.closePullRequest(REPOSITORY, Number(merged.id), { merged: true });
    sim.closePullRequest(REPOSITORY, Number(closed.id), { merged: false });

    sim.clearRequests();
    const found = await developmentReader(github).list(alice, { repository: REPOSITORY, issueKey: 'ABC-7', limit: 50 });
    expect(sim.requests.map((r) => `${r.method} ${(r.path.slice(prefix.length).split('?')[0] ?? '')}`).sort()).toEqual(['GET /repos/acme/widgets/branches', 'GET /repos/acme/widgets/pulls']);
    expect(found.hostCalls).toBe(2);
    expect(found.branches.map((b) => b.name).sort()).toEqual(['abc-7-more', 'feature/ABC-7']);
    expect(found.pullRequests.map((p) => [p.id, p.state, p.sourceBranch, p.author]).sort()).toEqual(
      [
        [open.id, 'open', 'feature/ABC-7', 'alice'],
        [merged.id, 'merged', 'abc-7-more', 'alice'],
        [closed.id, 'closed', 'unrelated', 'alice'],
      ].sort(),
    );

    const answer = await sendRequest(`${sim.url}${prefix}/repos/acme/widgets/pulls?state=all&per_page=100`, { method: 'GET', headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${world.aliceToken}` } });
    expect(answer.status).toBe(200);
    expect(contract.responseProblems({ method: 'GET', path: '/repos/acme/widgets/pulls', status: answer.status, headers: answer.headers, body: answer.text })).toEqual([]);
    const items = JSON.parse(answer.text) as { number: number; state: string; merged_at: string | null; closed_at: string | null }[];
    expect(items.find((p) => String(p.number) === merged.id)).toMatchObject({ state: 'closed', merged_at: expect.any(String), closed_at: expect.any(String) });
    expect(items.find((p) => String(p.number) === closed.id)).toMatchObject({ state: 'closed', merged_at: null });
  });

  it('a refusal of the host is the adapter\'s AppError (unknown repository: NOT_FOUND)', async () => {
    sim.reset();
    const world = seedWorld(sim);
    const github = createGitHubProvider(sim.hostTarget(provider), SHORT);
    await expect(developmentReader(github).list(tokenCredential(world.aliceToken), { repository: 'acme/nothing', issueKey: 'ABC-7', limit: 50 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
