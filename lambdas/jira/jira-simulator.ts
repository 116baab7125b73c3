import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { AsymmetricAlgorithm, encodeAsymmetric, encodeSymmetric } from 'atlassian-jwt';
import { LoopbackServer, type SimRequest, type SimResponse } from '../hosts/loopback-server';
import type { JiraPermission } from './permission-checker';
import { CONTEXT_QSH, queryStringHash, verifySymmetric } from './connect-jwt';

interface Site {
  readonly name: string;
  readonly clientKey: string;
  sharedSecret: string;
  readonly globalGrants: Set<string>;
  /** accountId → project keys with VIEW_DEV_TOOLS. */
  readonly projectGrants: Map<string, Set<string>>;
}

export interface SiteInfo {
  readonly name: string;
  readonly clientKey: string;
  readonly baseUrl: string;
  readonly sharedSecret: string;
}

export type InstallSigning = 'install-key' | 'shared-secret' | 'foreign-key' | 'none';

const projectId = (key: string): number => 10000 + [...key].reduce((sum, c) => sum + c.charCodeAt(0), 0);

/**
 * A loopback Jira Cloud for tests and `npm start`: it signs lifecycle callbacks like Atlassian
 * (its own RSA key, served as an install key), answers `permissions/check` from grants it holds,
 * and mints the JWTs Jira would send to the app. Control API under `/_control`.
 */
export class JiraSimulator {
  readonly server: LoopbackServer;
  readonly kid = `sim-${randomUUID()}`;
  readonly #keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  readonly #foreignKey = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  readonly #sites = new Map<string, Site>();

  constructor(private readonly appKey = 'patgate') {
    this.server = new LoopbackServer((request) => this.#route(request));
  }

  get url(): string {
    return this.server.url;
  }

  get installKeysUrl(): string {
    return `${this.url}/install-keys`;
  }

  start(port = 0): Promise<string> {
    return this.server.start(port);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  createSite(name = `site-${randomBytes(3).toString('hex')}`): SiteInfo {
    const site: Site = { name, clientKey: `jira:${randomUUID()}`, sharedSecret: randomBytes(32).toString('base64url'), globalGrants: new Set(), projectGrants: new Map() };
    this.#sites.set(site.clientKey, site);
    return this.#info(site);
  }

  site(clientKey: string): SiteInfo {
    return this.#info(this.#site(clientKey));
  }

  /** A new shared secret, as Atlassian issues on re-install. */
  rotateSecret(clientKey: string): string {
    const site = this.#site(clientKey);
    site.sharedSecret = randomBytes(32).toString('base64url');
    return site.sharedSecret;
  }

  grant(clientKey: string, accountId: string, permission: JiraPermission, projectKey?: string): void {
    const site = this.#site(clientKey);
    if (permission === 'ADMINISTER') site.globalGrants.add(accountId);
    else site.projectGrants.set(accountId, new Set([...(site.projectGrants.get(accountId) ?? []), projectKey ?? '']));
  }

  revoke(clientKey: string, accountId: string, permission: JiraPermission, projectKey?: string): void {
    const site = this.#site(clientKey);
    if (permission === 'ADMINISTER') site.globalGrants.delete(accountId);
    else site.projectGrants.get(accountId)?.delete(projectKey ?? '');
  }

  /** Sends the signed `installed` callback to the app, as Jira does. Returns the app's status. */
  async install(clientKey: string, appBaseUrl: string, signing: InstallSigning = 'install-key', secretOverride?: string): Promise<number> {
    return this.#lifecycle(clientKey, appBaseUrl, 'installed', signing, secretOverride);
  }

  async uninstall(clientKey: string, appBaseUrl: string, signing: InstallSigning = 'install-key'): Promise<number> {
    return this.#lifecycle(clientKey, appBaseUrl, 'uninstalled', signing);
  }

  /** The JWT Jira attaches to a request from this user to the app (`qsh` of that request, or context-qsh). */
  userJwt(
    clientKey: string,
    accountId: string,
    request: { method: string; path: string; query?: Record<string, string> },
    options: { contextQsh?: boolean; expiresInSeconds?: number; secret?: string } = {},
  ): string {
    const site = this.#site(clientKey);
    const now = Math.floor(Date.now() / 1000);
    const qsh = options.contextQsh ? CONTEXT_QSH : queryStringHash({ method: request.method, path: request.path, query: request.query ?? {} });
    return encodeSymmetric({ iss: clientKey, sub: accountId, iat: now, exp: now + (options.expiresInSeconds ?? 600), qsh }, options.secret ?? site.sharedSecret);
  }

  #site(clientKey: string): Site {
    const site = this.#sites.get(clientKey);
    if (!site) throw new Error(`unknown site ${clientKey}`);
    return site;
  }

  #info(site: Site): SiteInfo {
    return { name: site.name, clientKey: site.clientKey, baseUrl: `${this.url}/sites/${site.name}`, sharedSecret: site.sharedSecret };
  }

  async #lifecycle(clientKey: string, appBaseUrl: string, eventType: 'installed' | 'uninstalled', signing: InstallSigning, secretOverride?: string): Promise<number> {
    const site = this.#site(clientKey);
    const path = `/lifecycle/${eventType}`;
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: clientKey, aud: appBaseUrl, iat: now, exp: now + 180, qsh: queryStringHash({ method: 'POST', path, query: {} }) };
    const jwt =
      signing === 'install-key'
        ? encodeAsymmetric(claims, this.#keys.privateKey, AsymmetricAlgorithm.RS256, { kid: this.kid })
        : signing === 'foreign-key'
          ? encodeAsymmetric(claims, this.#foreignKey.privateKey, AsymmetricAlgorithm.RS256, { kid: this.kid })
          : signing === 'shared-secret'
            ? encodeSymmetric(claims, secretOverride ?? site.sharedSecret)
            : `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    const body = {
      key: this.appKey,
      clientKey,
      ...(eventType === 'installed' ? { sharedSecret: site.sharedSecret } : {}),
      baseUrl: this.#info(site).baseUrl,
      displayUrl: this.#info(site).baseUrl,
      productType: 'jira',
      description: `Simulated Jira site ${site.name}`,
      eventType,
    };
    const response = await fetch(`${appBaseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `JWT ${jwt}` },
      body: JSON.stringify(body),
    });
    await response.arrayBuffer();
    return response.status;
  }

  #route(request: SimRequest): SimResponse | Promise<SimResponse> {
    if (request.method === 'GET' && request.path === `/install-keys/${this.kid}`) {
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: this.#keys.publicKey };
    }
    if (request.path.startsWith('/install-keys/')) return { status: 404, body: 'Not found' };
    const check = /^\/sites\/([^/]+)\/rest\/api\/3\/permissions\/check$/.exec(request.path);
    if (check && request.method === 'POST') return this.#permissionsCheck(check[1] ?? '', request);
    if (request.path.startsWith('/_control/')) return this.#control(request);
    return { status: 404, body: { errorMessages: ['Not found'] } };
  }

  #permissionsCheck(name: string, request: SimRequest): SimResponse {
    const site = [...this.#sites.values()].find((s) => s.name === name);
    if (!site) return { status: 404, body: { errorMessages: ['Site not found'] } };
    const token = /^JWT (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    try {
      const claims = verifySymmetric(token ?? '', site.sharedSecret);
      if (claims.iss !== this.appKey) throw new Error('iss');
      if (claims.qsh !== queryStringHash({ method: 'POST', path: request.path, query: {} }, `${this.url}/sites/${name}`)) throw new Error('qsh');
    } catch {
      return { status: 401, body: { errorMessages: ['Authentication failed'] } };
    }
    const body = JSON.parse(request.rawBody || '{}') as {
      accountId?: string;
      globalPermissions?: string[];
      projectPermissions?: { permissions: string[]; projects: (string | number)[] }[];
    };
    const accountId = body.accountId ?? '';
    const globalPermissions = (body.globalPermissions ?? []).filter((p) => p === 'ADMINISTER' && site.globalGrants.has(accountId));
    const projectPermissions = (body.projectPermissions ?? []).flatMap((entry) =>
      entry.permissions.map((permission) => ({
        permission,
        issues: [],
        projects: entry.projects
          .map(String)
          .filter((key) => permission === 'VIEW_DEV_TOOLS' && site.projectGrants.get(accountId)?.has(key))
          .map(projectId),
      })),
    );
    return { status: 200, body: { globalPermissions, projectPermissions } };
  }

  async #control(request: SimRequest): Promise<SimResponse> {
    const body = (request.rawBody ? JSON.parse(request.rawBody) : {}) as Record<string, string | boolean | undefined>;
    if (request.method === 'POST' && request.path === '/_control/sites') return { status: 201, body: this.createSite(body.name as string | undefined) };
    const match = /^\/_control\/sites\/([^/]+)\/(install|uninstall|grants|jwt)$/.exec(request.path);
    if (!match) return { status: 404, body: { message: 'unknown control route' } };
    const clientKey = decodeURIComponent(match[1] ?? '');
    if (!this.#sites.has(clientKey)) return { status: 404, body: { message: 'unknown site' } };
    switch (`${request.method} ${match[2]}`) {
      case 'POST install':
        return { status: 200, body: { appStatus: await this.install(clientKey, String(body.appBaseUrl)) } };
      case 'POST uninstall':
        return { status: 200, body: { appStatus: await this.uninstall(clientKey, String(body.appBaseUrl)) } };
      case 'POST grants':
        this.grant(clientKey, String(body.accountId), body.permission as JiraPermission, body.projectKey as string | undefined);
        return { status: 204 };
      case 'DELETE grants':
        this.revoke(clientKey, String(body.accountId), body.permission as JiraPermission, body.projectKey as string | undefined);
        return { status: 204 };
      case 'POST jwt':
        return {
          status: 200,
          body: {
            jwt: this.userJwt(
              clientKey,
              String(body.accountId),
              { method: String(body.method ?? 'GET'), path: String(body.path ?? '/'), query: (body.query ?? {}) as unknown as Record<string, string> },
              { contextQsh: body.contextQsh === true },
            ),
          },
        };
      default:
        return { status: 405, body: { message: 'method not allowed' } };
    }
  }
}
