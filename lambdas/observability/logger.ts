import { Console } from 'node:console';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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

/**
 * Sends a logger's lines to a file (appending) instead of stdout. Powertools has no stream option
 * and keeps its `Console` in a field it builds on process.stdout; replacing that field is the one
 * seam, and the lines stay exactly what Lambda would print.
 */
const sendLinesTo = (logger: Logger, file: string): Logger => {
  mkdirSync(dirname(file), { recursive: true });
  const stream = createWriteStream(file, { flags: 'a' });
  Object.assign(logger, { console: new Console({ stdout: stream, stderr: stream }) });
  return logger;
};

/**
 * A logger with redaction. `PATGATE_LOG_FILE` (set by `npm start`: `.local/api.log`) sends the
 * lines to that file, so the local walkthrough's stdout shows only what it prints; Lambda and the
 * tests leave it unset and log to stdout.
 */
export const createLogger = (serviceName: string, logFile = process.env.PATGATE_LOG_FILE): Logger => {
  const logger = new Logger({ serviceName, jsonReplacerFn: redactingReplacer });
  return logFile ? sendLinesTo(logger, logFile) : logger;
};

/** The process-wide logger; handlers append the correlation id and tenant per request. */
export const logger = createLogger('patgate');
