import type { SimResponse } from '../kit/loopback-server';
import type { SimToken, SimUser, SimulatorState } from './simulator-state';
import { basicError, validationError, type DocsPage, type HostView } from './wire-shapes';

/** The token's owner and the token itself, for an authenticated request. */
export interface Caller {
  readonly user: SimUser;
  readonly token: SimToken;
}

export interface RouteParams {
  readonly owner: string;
  readonly repo: string;
  /** The decoded tail of the path (`heads/feature/x`, a branch name), when the route has one. */
  readonly rest: string;
}

/** What a REST route handler gets: the host's state, who calls, and a way to answer with GitHub's headers. */
export interface RouteContext {
  readonly state: SimulatorState;
  readonly view: HostView;
  readonly caller: Caller | undefined;
  readonly params: RouteParams;
  readonly rawBody: string;
  /** The query string (list routes read per_page, page, sort). */
  readonly query: URLSearchParams;
  /** The path as requested, relative to the API root (for `Link` headers). */
  readonly path: string;
  reply(status: number, body?: unknown, headers?: Readonly<Record<string, string>>): SimResponse;
}

export const replyError = (
  context: RouteContext,
  status: number,
  message: string,
  page: DocsPage,
  headers?: Readonly<Record<string, string>>,
): SimResponse => context.reply(status, basicError(context.view, message, page, status), headers);

/** A JSON request body as an object, or undefined when it does not parse as one (GitHub: 400 "Problems parsing JSON"). */
export const parseJsonObject = (rawBody: string): Record<string, unknown> | undefined => {
  try {
    const parsed: unknown = JSON.parse(rawBody === '' ? '{}' : rawBody);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** GitHub's wording when a required body member is absent. */
export const notSupplied = (context: RouteContext, member: string, page: DocsPage): SimResponse =>
  context.reply(422, validationError(context.view, `Invalid request.\n\n"${member}" wasn't supplied.`, page));
