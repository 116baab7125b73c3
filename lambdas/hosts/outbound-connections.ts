import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupAddress, LookupOneOptions } from 'node:dns';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { addressLiteral, classifyAddress, isAllowedAddress, systemResolver, type HostResolver } from './base-url-guard';
import { logger } from '../observability/logger';

/**
 * Every connection to a git host goes through here: the one place where the host's address is
 * checked at connect time and connections are kept alive between calls.
 *
 * - The agents' `lookup` resolves the host name, classifies every address (base-url-guard.ts) and hands
 *   exactly those addresses to the socket: the connection is pinned to what was checked, so a DNS answer
 *   that changes after the admin saved the URL (DNS rebinding) cannot reach a private, loopback or
 *   metadata address. Address literals (which skip `lookup`) are checked in `createConnection`.
 * - Local mode (simulators) allows loopback, never private ranges.
 * - Keep-alive per host: a warm call reuses the previous call's connection. A free socket idle longer
 *   than `maxIdleMs` by the wall clock (a frozen Lambda's timers do not run) is closed instead of reused.
 * - Write safety: a request is marked `requestNeverSent` when it failed on a reused socket before one
 *   byte of it was written (the socket had already been closed); only such a request may be sent again
 *   when it is a write. Any other failure of a write is reported, never retried.
 */
export interface OutboundPolicy {
  /** Local mode: the simulators listen on loopback. */
  readonly allowLoopback: boolean;
  /** Defaults to the system resolver; tests inject one. */
  readonly resolve?: HostResolver;
  /** Free sockets idle longer than this are not reused (default 4 s, below common 5 s server idle limits). */
  readonly maxIdleMs?: number;
}

/** The host's address is not one patgate connects to; never retried. */
export class AddressRefusedError extends Error {
  readonly code = 'ERR_ADDRESS_REFUSED';
  constructor(hostname: string, kind: string) {
    super(`Refused to connect to ${hostname}: it resolves to a ${kind} address.`);
    this.name = 'AddressRefusedError';
  }
}

/** A reused keep-alive socket that had closed before anything was written to it. */
export class StaleSocketError extends Error {
  readonly code = 'ECONNRESET';
  readonly requestNeverSent = true;
  constructor() {
    super('The kept-alive connection had closed before the request was written.');
    this.name = 'StaleSocketError';
  }
}

/**
 * True when the error says the request provably never reached the host. Duck-typed: errors from
 * node:http may come from another realm (Jest's sandbox) and fail instanceof.
 */
export const isRequestNeverSent = (error: unknown): boolean => {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    if (typeof current === 'object' && (current as { requestNeverSent?: unknown }).requestNeverSent === true) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
};

const DEFAULT_MAX_IDLE_MS = 4_000;

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type LookupOptions = LookupOneOptions & { all?: boolean };

const familyOf = (address: string): 4 | 6 => (address.includes(':') ? 6 : 4);

const refusalKind = (address: string): string => {
  const kind = classifyAddress(address);
  return kind === 'loopback' ? 'loopback' : 'private, link-local, reserved or metadata';
};

interface GuardState {
  readonly allowLoopback: boolean;
  readonly resolve: HostResolver;
  readonly maxIdleMs: number;
  opened: number;
}

/** The `lookup` of a guarded socket: resolve once, refuse if any answer is not allowed, connect to exactly those. */
const guardedLookup =
  (state: GuardState) =>
  (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    state
      .resolve(hostname)
      .then((addresses) => {
        if (addresses.length === 0) throw Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' });
        const refused = addresses.find((address) => !isAllowedAddress(address, state.allowLoopback));
        if (refused !== undefined) {
          logger.warn('Refused a connection to a git host address', { hostname, addressKind: refusalKind(refused) });
          throw new AddressRefusedError(hostname, refusalKind(refused));
        }
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => familyOf(a) === options.family) : addresses;
        if (wanted.length === 0) throw Object.assign(new Error(`${hostname} has no IPv${options.family} address`), { code: 'ENOTFOUND' });
        if (options.all) callback(null, wanted.map((address) => ({ address, family: familyOf(address) })));
        else callback(null, wanted[0] as string, familyOf(wanted[0] as string));
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, ''));
  };

const lastFreed = new WeakMap<Duplex, number>();

type ConnectionCallback = (error: Error | null, socket?: Duplex) => void;
type CreateConnection = (options: http.ClientRequestArgs, callback: ConnectionCallback) => Duplex | undefined;
type AddRequest = (request: http.ClientRequest, options: http.ClientRequestArgs) => void;

/**
 * Adds the guard and the keep-alive rules to an agent instance. Done on the instance (not a subclass)
 * because `addRequest` is not part of Node's typed surface; every hook used is stable since Node 12.
 */
const guard = <A extends http.Agent>(agent: A, state: GuardState): A => {
  const internals = agent as unknown as { createConnection: CreateConnection; addRequest: AddRequest; freeSockets: Record<string, Duplex[] | undefined> };
  const createConnection = internals.createConnection.bind(agent);
  internals.createConnection = (options, callback) => {
    const literal = addressLiteral(String(options.host ?? options.hostname ?? ''));
    if (literal !== undefined && !isAllowedAddress(literal, state.allowLoopback)) {
      logger.warn('Refused a connection to a git host address', { hostname: literal, addressKind: refusalKind(literal) });
      callback(new AddressRefusedError(literal, refusalKind(literal)));
      return undefined;
    }
    state.opened += 1;
    return createConnection({ ...options, lookup: guardedLookup(state) } as http.ClientRequestArgs, callback);
  };

  const addRequest = internals.addRequest.bind(agent);
  internals.addRequest = (request, options) => {
    const now = Date.now();
    for (const sockets of Object.values(internals.freeSockets)) {
      for (const socket of [...(sockets ?? [])]) {
        if (now - (lastFreed.get(socket) ?? now) <= state.maxIdleMs) continue;
        sockets?.splice(sockets.indexOf(socket), 1);
        socket.destroy();
      }
    }
    addRequest(request, options);
  };

  const keepSocketAlive = agent.keepSocketAlive.bind(agent);
  agent.keepSocketAlive = (socket) => {
    lastFreed.set(socket, Date.now());
    return keepSocketAlive(socket);
  };

  const reuseSocket = agent.reuseSocket.bind(agent);
  agent.reuseSocket = (socket, request) => {
    reuseSocket(socket, request);
    const net = socket as Socket;
    const writtenBefore = net.bytesWritten;
    request.prependListener('error', (error: Error) => {
      if (net.bytesWritten === writtenBefore) Object.assign(error, { requestNeverSent: true });
    });
    // Closed by the host while idle, and the agent has not yet seen the close: fail before writing.
    if (net.destroyed || net.readableEnded || net.writableEnded) request.destroy(new StaleSocketError());
  };
  return agent;
};

const AGENT_OPTIONS = { keepAlive: true, maxSockets: 16, maxTotalSockets: 128, maxFreeSockets: 16, scheduling: 'lifo', timeout: 60_000 } as const;

/** A pair of guarded keep-alive agents (http for the local simulators, https for real hosts). */
export class OutboundConnections {
  readonly #state: GuardState;
  readonly #http: http.Agent;
  readonly #https: https.Agent;

  constructor(policy: OutboundPolicy) {
    this.#state = { allowLoopback: policy.allowLoopback, resolve: policy.resolve ?? systemResolver, maxIdleMs: policy.maxIdleMs ?? DEFAULT_MAX_IDLE_MS, opened: 0 };
    this.#http = guard(new http.Agent(AGENT_OPTIONS), this.#state);
    this.#https = guard(new https.Agent(AGENT_OPTIONS), this.#state);
  }

  get allowsLoopback(): boolean {
    return this.#state.allowLoopback;
  }

  /** The agent for a URL's scheme. */
  agentFor(url: string | URL): http.Agent {
    return (typeof url === 'string' ? new URL(url) : url).protocol === 'https:' ? this.#https : this.#http;
  }

  get httpAgent(): http.Agent {
    return this.#http;
  }

  get httpsAgent(): https.Agent {
    return this.#https;
  }

  /** New TCP connections these agents opened (the bench reports it per action). */
  get connectionsOpened(): number {
    return this.#state.opened;
  }

  /** Closes every pooled connection (tests; a Lambda container simply ends). */
  destroy(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}

/** Real hosts only: no loopback, no private ranges. What a provider gets when nobody says otherwise. */
export const PUBLIC_HOSTS_ONLY = new OutboundConnections({ allowLoopback: false });

/** Local mode (simulators on loopback; still never private ranges). */
export const LOCAL_HOSTS_ALLOWED = new OutboundConnections({ allowLoopback: true });

/** The connections a provider uses: the options' own, else public hosts only. */
export const connectionsOf = (options: { readonly connections?: OutboundConnections } | undefined): OutboundConnections =>
  options?.connections ?? PUBLIC_HOSTS_ONLY;
