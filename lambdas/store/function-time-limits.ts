/**
 * The time limit of the functions that call git hosts (admin, tokens, git-action), in seconds. The
 * CDK stack sets it as their Lambda timeout; an in-progress Idempotency-Key claim lives no longer.
 */
export const HOST_CALLING_TIME_LIMIT_SECONDS = 15;
