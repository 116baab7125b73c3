import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from '@forge/manifest';
import { MANIFEST_SCOPES } from '../../simulators/jira/jira-simulator';
import { FORGE_LIFECYCLE_EVENTS } from '../../lambdas/jira/lifecycle-service';

const APP = join(__dirname, '../../jira-app');
const MANIFEST = join(APP, 'manifest.yml');
const PAGES = ['admin', 'panel', 'settings'];

/**
 * The app folder as `forge deploy` sees it, in a temporary folder: the manifest, its static files and
 * the pages' build output (jira-app/dist is build output, not in git: where it was not built, each
 * page is a one-line stand-in, since the validator only needs the resource folders to exist).
 */
const appFolder = (manifestText = readFileSync(MANIFEST, 'utf8')): string => {
  const dir = mkdtempSync(join(tmpdir(), 'patgate-manifest-'));
  cpSync(join(APP, 'static'), join(dir, 'static'), { recursive: true });
  for (const page of PAGES) {
    const built = join(APP, 'dist', page);
    if (existsSync(join(built, 'index.html'))) cpSync(built, join(dir, 'dist', page), { recursive: true });
    else {
      mkdirSync(join(dir, 'dist', page), { recursive: true });
      writeFileSync(join(dir, 'dist', page, 'index.html'), '<!doctype html><title>patgate</title>');
    }
  }
  writeFileSync(join(dir, 'manifest.yml'), manifestText);
  return dir;
};

/** What `forge deploy` would be run with: the remote URL as a manifest variable from the shell (README). */
const REMOTE_URL = 'https://abc123.execute-api.us-east-1.amazonaws.com';

const validateWith = async (env: Record<string, string | undefined>, manifestText?: string): ReturnType<typeof validate> => {
  const dir = appFolder(manifestText);
  const saved = process.env.PATGATE_REMOTE_URL;
  if (env.PATGATE_REMOTE_URL === undefined) delete process.env.PATGATE_REMOTE_URL;
  else process.env.PATGATE_REMOTE_URL = env.PATGATE_REMOTE_URL;
  try {
    return await validate(false, join(dir, 'manifest.yml'));
  } finally {
    if (saved === undefined) delete process.env.PATGATE_REMOTE_URL;
    else process.env.PATGATE_REMOTE_URL = saved;
    rmSync(dir, { recursive: true, force: true });
  }
};

interface Manifest {
  app: { id: string };
  modules: Record<string, { key: string; resource?: string; resolver?: { endpoint?: string }; remote?: string; endpoint?: string; events?: string[]; route?: { path?: string }; auth?: { appSystemToken?: { enabled: boolean } } }[]>;
  remotes: { key: string; baseUrl: string; operations?: string[]; storage?: { inScopeEUD: boolean }; auth?: unknown }[];
  resources: { key: string; path: string }[];
  permissions: { scopes: string[]; external?: unknown; content?: { styles?: string[]; scripts?: string[] } };
}

/** Offline, with Atlassian's own validator (the one `forge lint` and `forge deploy` run). */
describe('Forge manifest (jira-app/manifest.yml)', () => {
  let manifest: Manifest;

  beforeAll(async () => {
    const result = await validateWith({ PATGATE_REMOTE_URL: REMOTE_URL });
    expect(result.errors ?? []).toEqual([]);
    expect(result.success).toBe(true);
    manifest = (result.manifestObject as unknown as { typedContent: Manifest }).typedContent;
  });

  it('declares the three pages of the app, each a Custom UI resource calling the remote', () => {
    const pages = { 'jira:adminPage': 'patgate-admin', 'jira:issueContext': 'patgate-issue-context', 'jira:personalSettingsPage': 'patgate-user-settings' } as const;
    const endpoints = new Map((manifest.modules.endpoint ?? []).map((e) => [e.key, e]));
    const resources = new Map(manifest.resources.map((r) => [r.key, r.path]));
    for (const [type, key] of Object.entries(pages)) {
      const module = manifest.modules[type]?.[0];
      expect(module?.key).toBe(key);
      expect(resources.get(module?.resource ?? '')).toMatch(/^dist\/(admin|panel|settings)$/);
      expect(endpoints.get(module?.resolver?.endpoint ?? '')?.remote).toBe('patgate-backend');
    }
  });

  it('shows the issue view as an always-present issue context, not an issue panel a user must add first', () => {
    expect(manifest.modules['jira:issuePanel']).toBeUndefined();
    expect(manifest.modules['jira:issueContext']).toHaveLength(1);
  });

  it('declares the remote truthfully: compute for invokeRemote, storage of end-user data, its URL from the one manifest variable', () => {
    expect(manifest.remotes).toHaveLength(1);
    const remote = manifest.remotes[0];
    expect(remote).toMatchObject({ key: 'patgate-backend', baseUrl: REMOTE_URL, storage: { inScopeEUD: true } });
    expect([...(remote?.operations ?? [])].sort()).toEqual(['compute', 'storage']);
    // The endpoints ask for the system token themselves; the pages never fetch the remote directly.
    expect(remote?.auth).toBeUndefined();
    expect(manifest.permissions.external).toBeUndefined();
    expect(readFileSync(MANIFEST, 'utf8').match(/\$\{PATGATE_REMOTE_URL\}/g)).toHaveLength(1);
  });

  it('refuses to validate without PATGATE_REMOTE_URL in the environment (no placeholder URL can be deployed)', async () => {
    const result = await validateWith({ PATGATE_REMOTE_URL: undefined });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.errors)).toMatch(/PATGATE_REMOTE_URL/);
  });

  it("relaxes nothing of Forge's default Content Security Policy (the browser tests run the pages under it)", () => {
    expect(manifest.permissions.content).toBeUndefined();
  });

  it('sends the app system token to the remote and routes the lifecycle events to /lifecycle/forge', () => {
    expect(manifest.modules.endpoint?.find((e) => e.key === 'patgate-api')?.auth?.appSystemToken?.enabled).toBe(true);
    const trigger = manifest.modules.trigger?.[0];
    expect([...(trigger?.events ?? [])].sort()).toEqual([...FORGE_LIFECYCLE_EVENTS].sort());
    const endpoint = manifest.modules.endpoint?.find((e) => e.key === trigger?.endpoint);
    expect(endpoint).toMatchObject({ remote: 'patgate-backend', route: { path: '/lifecycle/forge' }, auth: { appSystemToken: { enabled: true } } });
  });

  it('asks for the smallest scopes: those the simulated Jira checks for the calls patgate makes, plus the system token itself', () => {
    // read:app-system-token: without it Forge sends no x-forge-oauth-system (scopes-forge page, cited in the manifest).
    expect([...manifest.permissions.scopes].sort()).toEqual([...MANIFEST_SCOPES, 'read:app-system-token'].sort());
    expect(manifest.app.id).toMatch(/^ari:cloud:ecosystem::app\/[0-9a-f-]{36}$/);
  });

  it('the validator does refuse a broken manifest (so the check above can fail)', async () => {
    const result = await validateWith({ PATGATE_REMOTE_URL: REMOTE_URL }, readFileSync(MANIFEST, 'utf8').replace('path: dist/panel', 'path: dist/missing-panel'));
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.errors)).toMatch(/dist\/missing-panel/);
  });
});
