import { AppError } from '../domain/errors';
import { integrationIdSchema } from '../domain/integration-schemas';
import type { ApiRequest } from './api-types';

/** The `{integrationId}` path parameter; a malformed id can name no integration, so it is a 404 like a missing one. */
export const integrationIdOf = (request: ApiRequest): string => {
  const parsed = integrationIdSchema.safeParse(request.pathParameters.integrationId);
  if (!parsed.success) throw new AppError('NOT_FOUND', 'Integration was not found.');
  return parsed.data;
};
