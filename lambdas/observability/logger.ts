import { Logger } from '@aws-lambda-powertools/logger';

/** Keys whose values never reach a log line, at any depth (compared case-insensitively). */
const REDACTED_KEYS = new Set([
  'token',
  'secret',
  'sharedsecret',
  'authorization',
  'secretaccesskey',
  'servicecredential',
  'ciphertext',
  'password',
  'private-token',
  'cookie',
]);

const REDACTED = '[redacted]';

export const isRedactedKey = (key: string): boolean => REDACTED_KEYS.has(key.toLowerCase());

/** JSON replacer for every log line: redacts secret-named keys wherever they appear. */
export const redactingReplacer = (key: string, value: unknown): unknown => {
  if (key !== '' && isRedactedKey(key)) return REDACTED;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
};

export const createLogger = (serviceName: string): Logger =>
  new Logger({ serviceName, jsonReplacerFn: redactingReplacer });

/** The process-wide logger; handlers append the correlation id and tenant per request. */
export const logger = createLogger('patgate');
