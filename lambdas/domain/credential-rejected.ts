import { isAppError } from './errors';

/**
 * The host refused the credential itself (401, or Azure's sign-in page): the GitProvider contract
 * reports it as SERVICE_CREDENTIAL_REJECTED with hostReason 'unauthorized' (lambdas/hosts/git-provider.ts).
 * One rule for every place that acts on it: a token save refuses the token, a git action marks the
 * user's token invalid, the expiry checker marks it invalid.
 */
export const isCredentialRejected = (error: unknown): boolean =>
  isAppError(error) && (error.hostReason === 'unauthorized' || error.code === 'SERVICE_CREDENTIAL_REJECTED');
