import type * as z from 'zod';
import { AppError } from '../domain/errors';
import { fromZodError } from './problem-response';
import { IF_MATCH_PATTERN } from './request-headers';

/** Parses one part of a request (body, query, a path parameter) once, at the edge. */
export const parseInput = <S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | string): z.infer<S> => {
  if (where === 'body' && value === undefined) {
    throw new AppError('VALIDATION_FAILED', 'The request needs a JSON body.', { errors: [{ field: '(body)', message: 'required' }] });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fromZodError(parsed.error, where === 'body' ? '' : where);
  return parsed.data;
};

/** `If-Match: "3"` (or W/"3", or 3) → 3. */
export const versionFromIfMatch = (header: string | undefined, required: boolean): number | undefined => {
  if (header === undefined || header.trim() === '') {
    if (!required) return undefined;
    throw new AppError('PRECONDITION_REQUIRED', 'Send If-Match with the version (ETag) you read, so concurrent changes are never lost.');
  }
  const match = IF_MATCH_PATTERN.exec(header);
  if (!match?.[1]) throw new AppError('VALIDATION_FAILED', 'If-Match must be the ETag of the integration.', { errors: [{ field: 'If-Match', message: 'expected "<version>"' }] });
  return Number(match[1]);
};

export const etag = (version: number): string => `"${version}"`;
