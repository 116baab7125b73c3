import { randomBytes } from 'node:crypto';
import type { SimRequest, SimResponse } from './loopback-server';

/**
 * The shared shell of the simulators' small web pages (sign-in, new token, repository, branch,
 * pull/merge request): plain server-rendered HTML, a cookie session per simulator, and the
 * same-origin check every POST form passes. Local demo only; nothing here is deployed.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML content and attribute values. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** A tagged template that escapes every interpolated value unless it is already `Html`. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export const html = (strings: TemplateStringsArray, ...values: readonly unknown[]): Html =>
  new Html(
    strings.reduce((out, part, i) => {
      if (i === 0) return part;
      const value = values[i - 1];
      const rendered = Array.isArray(value)
        ? value.map((v) => (v instanceof Html ? v.text : escapeHtml(String(v)))).join('')
        : value instanceof Html
          ? value.text
          : value === undefined || value === null || value === false
            ? ''
            : escapeHtml(String(value));
      return out + rendered + part;
    }, ''),
  );

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f2328;background:#fff}
header{background:#24292f;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:center}
header a{color:#fff}
header form{margin:0 0 0 auto}
header button{margin-top:0}
main{max-width:760px;margin:0 auto;padding:16px}
a{color:#0550ae}
label{display:block;font-weight:600;margin-top:12px}
input[type=text],select{font:inherit;padding:4px 8px;border:1px solid #6e7781;border-radius:6px;min-width:280px}
fieldset{border:1px solid #d0d7de;border-radius:6px;margin-top:12px}
fieldset label{font-weight:400;display:flex;gap:8px;align-items:center;margin:4px 0}
button{font:inherit;padding:6px 16px;margin-top:16px;border-radius:6px;border:1px solid #1a7f37;background:#1a7f37;color:#fff;cursor:pointer}
button.secondary{background:#f6f8fa;color:#1f2328;border-color:#6e7781}
:focus-visible{outline:3px solid #0969da;outline-offset:2px}
.flash{border:1px solid #1a7f37;background:#dafbe1;padding:12px;border-radius:6px}
.flash.warn{border-color:#9a6700;background:#fff8c5}
code.token{display:block;font-size:1.1em;padding:8px;background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;word-break:break-all}
.muted{color:#57606a}
`;

export interface PageOptions {
  /** The site's name as its own header shows it (`GitHub (simulated)`). */
  readonly site: string;
  readonly title: string;
  readonly body: Html;
  readonly signedInAs?: string;
  readonly signOutPath?: string;
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Headers every page is sent with: no caching (a token page shows a secret once), no referrer
 * (nothing of a page's URL leaks to another site), and a CSP that allows only this page's own
 * inline style and forms posting back to the same origin.
 */
const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // Not no-referrer: under it Chromium sends `Origin: null` on the pages' own forms (Fetch's
  // "serializing a request origin"). same-origin still tells other sites nothing.
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

export const page = (options: PageOptions): SimResponse => {
  const who = options.signedInAs
    ? html`<span>Signed in as <strong>${options.signedInAs}</strong></span>${options.signOutPath ? html`<form method="post" action="${options.signOutPath}"><button class="secondary" type="submit">Sign out</button></form>` : ''}`
    : '';
  const body = html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${options.title} · ${options.site}</title><style>${new Html(STYLE)}</style></head>
<body>
<header><strong>${options.site}</strong>${who}</header>
<main>
${options.body}
</main>
</body>
</html>`;
  return { status: options.status ?? 200, headers: { ...PAGE_HEADERS, ...options.headers }, body: body.text };
};

export const notFoundPage = (site: string): SimResponse =>
  page({ site, title: 'Page not found', status: 404, body: html`<h1>Page not found</h1><p>There is nothing here, or you may not see it.</p>` });

/** 303 See Other: the answer to a POST form, so a reload does not post again. */
export const seeOther = (location: string, headers: Readonly<Record<string, string>> = {}): SimResponse => ({
  status: 303,
  headers: { location, 'cache-control': 'no-store', ...headers },
  body: '',
});

/** A POST form's fields (application/x-www-form-urlencoded, as a browser sends it). */
export const formFields = (request: SimRequest): URLSearchParams => new URLSearchParams(request.rawBody);

/**
 * A POST that changes state must come from a page of this same simulator: the browser's `Origin`
 * (sent on every POST form submission) must be this host, or, when it is absent or `null` (an
 * opaque origin), `Sec-Fetch-Site` must say same-origin. Anything else is refused (a CSRF attempt or a script).
 * https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
 */
export const isSameOrigin = (request: SimRequest): boolean => {
  const host = request.headers.host;
  if (!host) return false;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== 'null') return origin === `http://${host}`;
  return request.headers['sec-fetch-site'] === 'same-origin';
};

export const crossOriginRefused = (site: string): SimResponse =>
  page({ site, title: 'Request refused', status: 403, body: html`<h1>Request refused</h1><p>This form can only be sent from a page of this site.</p>` });

/** A path inside this site to return to after sign-in; anything else (another origin, `//host`) goes home. */
export const localPath = (value: string | null | undefined, fallback = '/'): string =>
  value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : fallback;

/** Sign-in sessions of one simulator: an opaque cookie → the person's login. */
export class WebSessions {
  readonly #sessions = new Map<string, string>();

  constructor(readonly cookieName: string) {}

  /** The signed-in person's login, if the request carries a live session cookie. */
  who(request: SimRequest): string | undefined {
    const cookies = request.headers.cookie ?? '';
    for (const part of cookies.split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name === this.cookieName) return this.#sessions.get(rest.join('='));
    }
    return undefined;
  }

  /** Starts a session; the Set-Cookie header to send (HttpOnly, SameSite=Lax: no cross-site POST carries it). */
  start(login: string): Record<string, string> {
    const id = randomBytes(24).toString('base64url');
    this.#sessions.set(id, login);
    return { 'set-cookie': `${this.cookieName}=${id}; Path=/; HttpOnly; SameSite=Lax` };
  }

  end(request: SimRequest): Record<string, string> {
    const cookies = request.headers.cookie ?? '';
    for (const part of cookies.split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name === this.cookieName) this.#sessions.delete(rest.join('='));
    }
    return { 'set-cookie': `${this.cookieName}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` };
  }

  clear(): void {
    this.#sessions.clear();
  }
}

export interface SignInPageOptions {
  readonly site: string;
  /** Where the form posts (the host's own sign-in path). */
  readonly action: string;
  readonly people: readonly { readonly login: string; readonly name: string | null }[];
  readonly returnTo: string;
  readonly refused?: boolean;
}

/**
 * "Who are you?": the simulated host's sign-in, a choice of its people (no password: a local demo).
 * Nobody is preselected (the service account is a person here too); `required` on one radio makes
 * the group required.
 */
export const signInPage = (options: SignInPageOptions): SimResponse => {
  const choices = options.people.map(
    (person, i) =>
      html`<label><input type="radio" name="login" value="${person.login}"${new Html(i === 0 ? ' required' : '')}> ${person.name && person.name !== person.login ? `${person.name} (${person.login})` : person.login}</label>`,
  );
  return page({
    site: options.site,
    title: 'Sign in',
    status: options.refused ? 400 : 200,
    body: html`<h1>Sign in to ${options.site}</h1>
${options.refused ? html`<p class="flash warn" role="alert">Choose one of the people below.</p>` : ''}
<p class="muted">A simulated host: choose who you are. No password is asked.</p>
<form method="post" action="${options.action}">
<input type="hidden" name="return_to" value="${options.returnTo}">
<fieldset><legend>Who are you?</legend>${choices}</fieldset>
<button type="submit">Sign in</button>
</form>`,
  });
};

/** A path segment decoded, or undefined when it is not valid percent-encoding (the page then 404s). */
export const decodeSegment = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

/** A repository path (`owner/repo`, `group/sub/project`) for a URL, each segment encoded. */
export const encodePath = (text: string): string => text.split('/').map(encodeURIComponent).join('/');
