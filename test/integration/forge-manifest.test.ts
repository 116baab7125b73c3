import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from '@forge/manifest';
import { MANIFEST_SCOPES } from '../../lambdas/jira/simulator/jira-simulator';
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

interface Manifest {
  app: { id: string };
  modules: Record<string, { key: string; resource?: string; resolver?: { endpoint?: string }; remote?: string; endpoint?: string; events?: string[]; route?: { path?: string }; auth?: { appSystemToken?: { enabled: boolean } } }[]>;
  remotes: { key: string; baseUrl: string; auth?: { appSystemToken?: { enabled: boolean } } }[];
  resources: { key: string; path: string }[];
  permissions: { scopes: string[]; external: { fetch: { backend: { address: string }[] } } };
}

/** Offline, with Atlassian's own validator (the one `forge lint` and `forge deploy` run). */
describe('Forge manifest (jira-app/manifest.yml)', () => {
  let manifest: Manifest;

  beforeAll(async () => {
    const dir = appFolder();
    const result = await validate(false, join(dir, 'manifest.yml')).finally(() => rmSync(dir, { recursive: true, force: true }));
    expect(result.errors ?? []).toEqual([]);
    expect(result.success).toBe(true);
    manifest = (result.manifestObject as unknown as { typedContent: Manifest }).typedContent;
  });

  it('declares the three pages of the app, each a Custom UI resource calling the remote', () => {
    const pages = { 'jira:adminPage': 'patgate-admin', 'jira:issuePanel': 'patgate-issue-panel', 'jira:personalSettingsPage': 'patgate-user-settings' } as const;
    const endpoints = new Map((manifest.modules.endpoint ?? []).map((e) => [e.key, e]));
    const resources = new Map(manifest.resources.map((r) => [r.key, r.path]));
    for (const [type, key] of Object.entries(pages)) {
      const module = manifest.modules[type]?.[0];
      expect(module?.key).toBe(key);
      expect(resources.get(module?.resource ?? '')).toMatch(/^dist\/(admin|panel|settings)$/);
      expect(endpoints.get(module?.resolver?.endpoint ?? '')?.remote).toBe('patgate-backend');
    }
  });

  it('sends the app system token to the remote and routes the lifecycle events to /lifecycle/forge', () => {
    const remote = manifest.remotes.find((r) => r.key === 'patgate-backend');
    expect(remote?.auth?.appSystemToken?.enabled).toBe(true);
    const trigger = manifest.modules.trigger?.[0];
    expect([...(trigger?.events ?? [])].sort()).toEqual([...FORGE_LIFECYCLE_EVENTS].sort());
    const endpoint = manifest.modules.endpoint?.find((e) => e.key === trigger?.endpoint);
    expect(endpoint).toMatchObject({ remote: 'patgate-backend', route: { path: '/lifecycle/forge' }, auth: { appSystemToken: { enabled: true } } });
  });

  it('asks for the smallest scopes: exactly those the simulated Jira checks for the calls patgate makes', () => {
    expect([...manifest.permissions.scopes].sort()).toEqual([...MANIFEST_SCOPES].sort());
    expect(manifest.permissions.external.fetch.backend.map((b) => b.address)).toEqual([manifest.remotes[0]?.baseUrl]);
    expect(manifest.app.id).toMatch(/^ari:cloud:ecosystem::app\/[0-9a-f-]{36}$/);
  });

  it('the validator does refuse a broken manifest (so the check above can fail)', async () => {
    const dir = appFolder(readFileSync(MANIFEST, 'utf8').replace('path: dist/panel', 'path: dist/missing-panel'));
    try {
      const result = await validate(false, join(dir, 'manifest.yml'));
      expect(result.success).toBe(false);
      expect(JSON.stringify(result.errors)).toMatch(/dist\/missing-panel/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
