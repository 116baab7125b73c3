import { inspect } from 'node:util';

export interface Captured<T> {
  readonly result?: T;
  readonly error?: unknown;
  /** Everything written to stdout, stderr or the console while the call ran. */
  readonly output: string;
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

/** Runs an adapter call with stdout, stderr and console captured, so tests can prove no token leaks. */
export const captureOutput = async <T>(call: () => Promise<T>): Promise<Captured<T>> => {
  const chunks: string[] = [];
  const record = (...args: unknown[]): boolean => {
    chunks.push(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 6 }))).join(' '));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(record),
    jest.spyOn(process.stderr, 'write').mockImplementation(record),
    ...CONSOLE_METHODS.map((method) => jest.spyOn(console, method).mockImplementation(record)),
  ];
  try {
    return { result: await call(), output: chunks.join('\n') };
  } catch (error) {
    return { error, output: chunks.join('\n') };
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
};

/** Every way an error can be printed: message, stack, extensions, and util.inspect with its causes. */
export const printedForms = (error: unknown): string =>
  error instanceof Error
    ? [error.message, error.stack ?? '', JSON.stringify(error), inspect(error, { depth: 8, showHidden: true })].join('\n')
    : inspect(error, { depth: 8 });
