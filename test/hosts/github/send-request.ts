import { request } from 'node:http';

export interface RawAnswer {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

/**
 * One HTTP request on a fresh connection. A pooled keep-alive socket can be closed by the server's
 * idle timeout just as the next request goes out; tests that pause (schema compiling) would flake.
 */
export const sendRequest = (url: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const outgoing = request(url, { method: init.method, headers: init.headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('error', reject);
      response.once('end', () => {
        const headers = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]));
        resolve({ status: response.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    outgoing.once('error', reject);
    outgoing.end(init.body);
  });
