import type { IncomingHttpHeaders } from 'node:http';
import { AdoRestClient } from 'azure-devops-node-api/AdoHttpClientBases';
import type { HttpClientResponse } from 'typed-rest-client/HttpClient';
import type { IRequestOptions, IRestResponse } from 'typed-rest-client/RestClient';
import { isRequestNeverSent } from '../outbound-connections';

/** Why an answer was not usable: an error status, a sign-in page in a 2xx, or a 2xx body that is not JSON. */
export type HostAnswerProblem = 'status' | 'sign-in-page' | 'malformed';

/**
 * A host answer the adapter cannot use. It keeps only the status, headers and the error's type key and
 * TF code, never the host's free text: a hostile or broken host could echo request headers there.
 */
export class HostResponseError extends Error {
  constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    readonly problem: HostAnswerProblem,
    readonly typeKey?: string,
    /** `TF401019`, `VS30063`… from the start of the host's message. */
    readonly hostErrorCode?: string,
  ) {
    super(`Azure DevOps answered ${status} (${problem})`);
    this.name = 'HostResponseError';
  }
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const looksLikeHtml = (headers: IncomingHttpHeaders, text: string): boolean =>
  (headers['content-type'] ?? '').toLowerCase().includes('text/html') || /^\s*<(!doctype html|html)/i.test(text);

const statusError = (status: number, headers: IncomingHttpHeaders, text: string): HostResponseError => {
  const body = parseJson(text) as { typeKey?: unknown; message?: unknown } | undefined;
  const typeKey = typeof body?.typeKey === 'string' ? body.typeKey : undefined;
  const code = typeof body?.message === 'string' ? /^(TF|VS)\d+/.exec(body.message)?.[0] : undefined;
  return new HostResponseError(status, headers, 'status', typeKey, code);
};

const NEVER_SENT_RESENDS = 2;

/**
 * The library's REST client resolves a 404 as `null`, a 2xx HTML sign-in page as `null` and a 2xx
 * with broken JSON as `null` too; this one turns each into a HostResponseError the adapter can map.
 * It also sends a request again, at once, when it provably never reached the host (a reused
 * keep-alive connection had closed before one byte was written; see outbound-connections.ts): safe
 * for writes too. Every other failure is reported as it is.
 */
export class StrictRestClient extends AdoRestClient {
  constructor(...args: ConstructorParameters<typeof AdoRestClient>) {
    super(...args);
    const client = this.client;
    const requestRaw = client.requestRaw.bind(client);
    client.requestRaw = async (info, data) => {
      for (let resend = 0; ; resend += 1) {
        try {
          return await requestRaw(info, data);
        } catch (error) {
          if (resend >= NEVER_SENT_RESENDS || typeof data !== 'string' && data !== null && data !== undefined || !isRequestNeverSent(error)) throw error;
        }
      }
    };
  }

  protected override async processResponse<T>(res: HttpClientResponse, options: IRequestOptions): Promise<IRestResponse<T>> {
    const status = res.message.statusCode ?? 0;
    const headers = res.message.headers;
    const text = await res.readBody();
    if (status < 200 || status > 299) throw statusError(status, headers, text);
    if (looksLikeHtml(headers, text)) throw new HostResponseError(status, headers, 'sign-in-page');
    if (text.trim() === '') return { statusCode: status, result: null, headers };
    const parsed = parseJson(text);
    if (parsed === undefined) throw new HostResponseError(status, headers, 'malformed');
    const result = options?.responseProcessor ? (options.responseProcessor(parsed) as T) : (parsed as T);
    return { statusCode: status, result, headers };
  }
}
