import { supportsPersonalAccessTokens } from '../../lambdas/domain/integration';
import type { SimRequest, SimResponse } from '../kit/loopback-server';
import type { SimCollection, SimToken, SimUser, SimulatorState } from './simulator-state';

export type AuthOutcome =
  | { readonly kind: 'authenticated'; readonly user: SimUser; readonly token?: SimToken }
  | { readonly kind: 'refused'; readonly response: SimResponse };

type RefusalReason = 'expired' | 'revoked' | 'unknown' | 'scope';

/** TFS 2013 and 2015 predate personal access tokens: there a PAT is just a wrong password. */
const acceptsPats = (collection: SimCollection): boolean =>
  collection.serverVersion === 'services' || supportsPersonalAccessTokens('tfs', collection.serverVersion);

const SCOPES_GRANTING: Readonly<Record<'vso.code' | 'vso.code_write', readonly string[]>> = {
  'vso.code': ['vso.code', 'vso.code_write', 'vso.code_manage', 'vso.code_full', 'app_token'],
  'vso.code_write': ['vso.code_write', 'vso.code_manage', 'vso.code_full', 'app_token'],
};

const HOSTED_MESSAGES: Readonly<Record<RefusalReason, string>> = {
  expired: 'Access Denied: The Personal Access Token used has expired.',
  revoked: 'Access Denied: The Personal Access Token used has been revoked.',
  unknown: "TF400813: The user '' is not authorized to access this resource.",
  scope: 'Access Denied: The Personal Access Token used does not have the required scopes to access this resource.',
};

const SIGN_IN_PAGE = `<!DOCTYPE html>
<html lang="en-US">
<head><meta charset="utf-8"><title>Azure DevOps Services | Sign In</title></head>
<body><div id="signin"><h1>Sign in to Azure DevOps</h1>
<p>We couldn't sign you in. <a href="https://app.vssps.visualstudio.com/_signin?realm=dev.azure.com">Continue</a></p></div></body>
</html>`;

const IIS_UNAUTHORIZED_PAGE = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>401 - Unauthorized: Access is denied due to invalid credentials.</title></head>
<body><div id="header"><h1>Server Error</h1></div><div id="content"><fieldset><h2>401 - Unauthorized: Access is denied due to invalid credentials.</h2>
<h3>You do not have permission to view this directory or page using the credentials that you supplied.</h3></fieldset></div></body></html>`;

/** The 203 an Azure DevOps Services front end answers, instead of 401, when the client did not ask it to suppress the sign-in redirect. */
export const signInPage = (): SimResponse => ({ status: 203, headers: { 'content-type': 'text/html; charset=utf-8' }, body: SIGN_IN_PAGE });

const hostedRefusal = (request: SimRequest, reason: RefusalReason): SimResponse => {
  if ((request.headers['x-tfs-fedauthredirect'] ?? '').toLowerCase() !== 'suppress') return signInPage();
  const message = HOSTED_MESSAGES[reason];
  return {
    status: 401,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'www-authenticate': 'Bearer authorization_uri=https://login.microsoftonline.com/common, Basic realm="https://dev.azure.com/", TFS-Federated',
      'x-tfs-fedauthrealm': 'https://dev.azure.com/',
      'x-tfs-serviceerror': encodeURIComponent(message),
    },
    body: `<html><head><title>Access Denied</title></head><body>${message}</body></html>`,
  };
};

/** IIS in front of TFS / Azure DevOps Server offers Windows authentication and, where enabled, Basic. */
const onPremisesRefusal = (request: SimRequest): SimResponse => ({
  status: 401,
  headers: {
    'content-type': 'text/html',
    'www-authenticate': `Negotiate, NTLM, Basic realm="${request.headers.host ?? 'tfs'}"`,
  },
  body: IIS_UNAUTHORIZED_PAGE,
});

export const refusal = (request: SimRequest, collection: SimCollection, reason: RefusalReason): SimResponse =>
  collection.hosted ? hostedRefusal(request, reason) : onPremisesRefusal(request);

const basicCredentials = (header: string | undefined): { user: string; secret: string } | undefined => {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
};

const tokenProblem = (token: SimToken, now: Date): RefusalReason | undefined => {
  if (token.revoked) return 'revoked';
  if (token.expiresAt && token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return undefined;
};

/**
 * Who a request acts as. A PAT is the Basic password with any user name (spec `securityDefinitions`);
 * a service account is `user:password`, accepted on premises only.
 */
export const authenticate = (request: SimRequest, collection: SimCollection, state: SimulatorState, now: Date): AuthOutcome => {
  const credentials = basicCredentials(request.headers.authorization);
  if (!credentials) return { kind: 'refused', response: refusal(request, collection, 'unknown') };
  const token = state.token(credentials.secret);
  if (token && acceptsPats(collection)) {
    const problem = tokenProblem(token, now);
    if (problem) return { kind: 'refused', response: refusal(request, collection, problem) };
    return { kind: 'authenticated', user: state.ensureUser(token.owner), token };
  }
  const account = state.user(credentials.user);
  if (!collection.hosted && account?.password !== undefined && account.password === credentials.secret) {
    return { kind: 'authenticated', user: account };
  }
  return { kind: 'refused', response: refusal(request, collection, 'unknown') };
};

/** Basic accounts carry no scopes; a PAT must hold the scope (or a broader one). */
export const hasScope = (token: SimToken | undefined, needed: 'vso.code' | 'vso.code_write'): boolean =>
  token === undefined || token.scopes.some((scope) => SCOPES_GRANTING[needed].includes(scope));
