import type { Agent, RequestOptions } from 'node:http';
import type { IHttpClientResponse, IRequestHandler } from 'azure-devops-node-api/interfaces/common/VsoBaseInterfaces';

/**
 * Adds the call's abort signal, connect timeout and pooled agent to every request the library makes. typed-rest-client
 * has no connect timeout: a request `timeout` set here holds until the socket connects, and the library's
 * `socketTimeout` (the whole-call budget) replaces it once connected.
 */
export class CallRequestHandler implements IRequestHandler {
  constructor(
    private readonly auth: IRequestHandler,
    private readonly signal: AbortSignal,
    private readonly connectTimeoutMs: number,
    /** The guarded keep-alive agent (outbound-connections.ts) instead of the library's agent per request. */
    private readonly agent: Agent,
  ) {}

  prepareRequest(options: RequestOptions): void {
    this.auth.prepareRequest(options);
    options.agent = this.agent;
    options.timeout = this.connectTimeoutMs;
    options.signal = this.signal;
  }

  canHandleAuthentication(): boolean {
    return false;
  }

  handleAuthentication(): Promise<IHttpClientResponse> {
    return Promise.reject(new Error('authentication challenges are not answered'));
  }
}
