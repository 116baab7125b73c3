import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../../local/dynamodb-local';
import { until } from '../support/until';

/**
 * `npm start` starts tsx, its own DynamoDB Local (a JVM: seconds on a quiet machine, over 30 s on a
 * loaded two-core one; the Jest run's own start waits up to 180 s for it), the simulators and the API,
 * then the test runs six curl lines: the JVM's allowance plus a minute for the rest.
 */
const NPM_START_BUDGET_MS = 240_000;

/** `npm start` as a new user runs it: the API answers and the printed curl lines work. */
describe('npm start', () => {
  it.each([
    ['Forge Remote (the only platform)', [], /installed the app through Forge Remote/],
  ])('serves GET /health and the printed walkthrough works: %s', async (_name, args, installedBy) => {
    const port = await freePort();
    const child = spawn('npx', ['tsx', 'local/start.ts', ...args], {
      cwd: resolve(__dirname, '../..'),
      env: { ...process.env, PORT: String(port), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      // Until the walkthrough is printed (or npm start exits): the test's budget below bounds the wait.
      await until(() => output.includes('# the user lists their integrations') || child.exitCode !== null, 200);
      if (child.exitCode !== null) throw new Error(`npm start exited: ${output}`);
      expect(output).toMatch(installedBy);
      // The "try it" list comes first: the page to open, who to sign in as, where to get a token.
      const tryIt = output.indexOf('Try it in a browser:');
      expect(tryIt).toBeGreaterThanOrEqual(0);
      expect(tryIt).toBeLessThan(output.indexOf('curl -s'));
      expect(output).toContain(`http://localhost:${port}/browse/DEMO-1`);
      expect(output).toContain('Sign in there as Uma User (uma)');
      const tokenPage = /(http:\/\/127\.0\.0\.1:\d+)\/settings\/tokens\/new/.exec(output);
      expect(tokenPage).not.toBeNull();
      // The simulated GitHub's token page is there: a person not signed in is sent to sign in.
      const tokenAnswer = await fetch(`${tokenPage?.[1]}/settings/tokens/new?scopes=repo`, { redirect: 'manual' });
      expect(tokenAnswer.status).toBe(303);
      expect(tokenAnswer.headers.get('location')).toMatch(/^\/login\?return_to=/);
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const curls = output.split('\n').filter((l) => l.startsWith('curl -s'));
      expect(curls.length).toBeGreaterThanOrEqual(6);
      const results: string[] = [];
      for (const line of curls) {
        const out = await new Promise<string>((done) => {
          const c = spawn('bash', ['-c', line]);
          let text = '';
          c.stdout.on('data', (d: Buffer) => (text += d.toString()));
          c.on('close', () => done(text));
        });
        results.push(out);
      }
      expect(JSON.parse(results[0] ?? '')).toEqual({ status: 'ok' });
      expect(JSON.parse(results[1] ?? '').integrations).toHaveLength(1);
      expect(JSON.parse(results[2] ?? '')).toMatchObject({ status: 'refused', code: 'PAT_REQUIRED' });
      expect(JSON.parse(results[3] ?? '')).toMatchObject({ status: 'valid' });
      expect(JSON.parse(results[4] ?? '')).toMatchObject({ actedAs: { credential: 'user-pat' } });
      expect(JSON.parse(results[5] ?? '').integrations[0]).toMatchObject({ status: 'valid' });
    } finally {
      if (child.pid) process.kill(-child.pid, 'SIGINT');
      await new Promise((r) => child.once('exit', r));
    }
  }, NPM_START_BUDGET_MS);
});
