import { inspect } from 'node:util';
import { captureLogs } from '../../support/capture-logs';

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

const forms = (secret: string): string[] => [
  secret,
  Buffer.from(`PAT:${secret}`).toString('base64'),
  Buffer.from(`:${secret}`).toString('base64'),
];

/**
 * Runs an adapter call with stdout/stderr captured, then checks that neither the output nor the error
 * (message, JSON, inspection) holds the secret in clear or in a Basic header's base64.
 */
export const callWithoutLeaks = async <T>(secret: string, call: () => Promise<T>): Promise<Outcome<T>> => {
  const logs = captureLogs();
  let outcome: Outcome<T>;
  try {
    outcome = { ok: true, value: await call() };
  } catch (error) {
    outcome = { ok: false, error };
  } finally {
    logs.restore();
  }
  const seen = [logs.text(), ...(outcome.ok ? [] : [String((outcome.error as Error).message), JSON.stringify(outcome.error), inspect(outcome.error, { depth: 6 })])];
  for (const text of seen) for (const form of forms(secret)) expect(text).not.toContain(form);
  return outcome;
};

/** The AppError of a failed outcome. */
export const failure = <T>(outcome: Outcome<T>): { code: string; status: number; hostReason?: string; retryAfterSeconds?: number; message: string } => {
  if (outcome.ok) throw new Error('the call succeeded');
  return outcome.error as { code: string; status: number; hostReason?: string; retryAfterSeconds?: number; message: string };
};
