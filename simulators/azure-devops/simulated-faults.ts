import type { Fault } from '../kit/loopback-server';
import { signInPage } from './sim-auth';
import { rateLimitedBody } from './tf-error';

/** Which requests a preset fault hits (see `Fault`). */
export type FaultMatch = Pick<Fault, 'method' | 'pathIncludes' | 'times'>;

export interface RateLimitOptions {
  /** Seconds in `Retry-After`; left out when undefined, so only `X-RateLimit-Reset` tells the wait. */
  readonly retryAfterSeconds?: number;
  /** Epoch seconds in `X-RateLimit-Reset`. */
  readonly resetAtEpochSeconds?: number;
}

/** A 429 TF400733 with the rate-limit headers Azure DevOps sends when it blocks a request. */
export const rateLimitFault = (match: FaultMatch, options: RateLimitOptions = { retryAfterSeconds: 60 }): Fault => ({
  ...match,
  status: 429,
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'x-ratelimit-resource': 'Core',
    'x-ratelimit-delay': '0.000',
    'x-ratelimit-limit': '200',
    'x-ratelimit-remaining': '0',
    ...(options.retryAfterSeconds === undefined ? {} : { 'retry-after': String(options.retryAfterSeconds) }),
    ...(options.resetAtEpochSeconds === undefined ? {} : { 'x-ratelimit-reset': String(options.resetAtEpochSeconds) }),
  },
  body: rateLimitedBody(),
});

/** The 203 HTML sign-in page, as the service answers when it ignores `X-TFS-FedAuthRedirect`. */
export const signInPageFault = (match: FaultMatch): Fault => {
  const page = signInPage();
  return { ...match, status: page.status, headers: page.headers, body: page.body };
};
