import { request } from 'node:http';

export interface WebAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

/**
 * A person's browser against one simulator's web pages, without a browser: keeps the session
 * cookie, sends `Origin` on POST forms as a browser does (another origin to play an attacker's
 * page), and follows nothing by itself (tests assert each redirect).
 */
export class WebVisitor {
  #cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  get(path: string): Promise<WebAnswer> {
    return this.#send('GET', path);
  }

  /** A form POST; `origin` defaults to the simulator's own (a same-origin form). null sends none. */
  post(path: string, fields: Record<string, string | readonly string[]>, origin: string | null = this.baseUrl): Promise<WebAnswer> {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) for (const v of typeof value === 'string' ? [value] : value) form.append(name, v);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (origin !== null) headers.origin = origin;
    return this.#send('POST', path, headers, form.toString());
  }

  /** Follows a 303 the way a browser does (GET the Location). */
  async follow(answer: WebAnswer): Promise<WebAnswer> {
    if (answer.status !== 303 && answer.status !== 302) throw new Error(`not a redirect: ${answer.status}`);
    return this.get(answer.headers.location ?? '/');
  }

  #send(method: string, path: string, extra: Record<string, string> = {}, body?: string): Promise<WebAnswer> {
    const cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const headers = { ...extra, ...(cookie ? { cookie } : {}) };
    return new Promise((resolve, reject) => {
      const outgoing = request(new URL(path, this.baseUrl), { method, headers, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('error', reject);
        response.once('end', () => {
          for (const line of response.headers['set-cookie'] ?? []) {
            const [pair = ''] = line.split(';');
            const [name = '', ...rest] = pair.split('=');
            if (/Max-Age=0/i.test(line)) this.#cookies.delete(name);
            else this.#cookies.set(name, rest.join('='));
          }
          const out = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]));
          resolve({ status: response.statusCode ?? 0, headers: out, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      outgoing.once('error', reject);
      outgoing.end(body);
    });
  }
}

/** The text of the element with this id in a page (the simulators' pages are small, flat HTML). */
export const elementText = (html: string, id: string): string | undefined => {
  const match = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html);
  return match?.[1];
};
