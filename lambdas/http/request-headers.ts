import * as z from 'zod';

/**
 * The request headers routes read, with the patterns they are checked against: the pipeline parses
 * with the patterns, and the route table documents the schemas (OpenAPI header parameters).
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
/** `"3"`, `W/"3"` or `3`: the integration's version, as its ETag carries it. */
export const IF_MATCH_PATTERN = /^\s*(?:W\/)?"?(\d{1,12})"?\s*$/;

const idempotencyKey = z
  .string()
  .regex(IDEMPOTENCY_KEY_PATTERN)
  .meta({ description: 'Makes a retried git action safe: a retry with the same key replays the first answer (`replayed: true`) instead of acting twice.' });
const ifMatch = z.string().regex(IF_MATCH_PATTERN).meta({ description: 'The ETag of the integration as read, so a concurrent change is never lost.' });

export const idempotencyKeyHeaders = z.object({ 'Idempotency-Key': idempotencyKey.optional() });
export const ifMatchRequiredHeaders = z.object({ 'If-Match': ifMatch });
export const ifMatchOptionalHeaders = z.object({ 'If-Match': ifMatch.optional() });
