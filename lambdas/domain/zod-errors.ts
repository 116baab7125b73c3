import type { ZodError } from 'zod';
import { validationFailed, type AppError } from './errors';

/** Turns a ZodError into our VALIDATION_FAILED with one entry per field. */
export const fromZodError = (error: ZodError, prefix = ''): AppError =>
  validationFailed(
    error.issues.map((issue) => ({
      field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
      message: issue.message,
    })),
  );
