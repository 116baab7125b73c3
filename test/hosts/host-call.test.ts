import { Secret } from '../../lambdas/domain/secret';
import { isAppError } from '../../lambdas/domain/errors';
import { CallDeadline, requireCredential, retryRead, withoutTrailingSlash } from '../../lambdas/hosts/host-call';

const transient = new Error('gateway');
const isTransient = (error: unknown): boolean => error === transient;

describe('host-call kit', () => {
  it('retries a transiently failing read after each backoff, at most twice', async () => {
    const deadline = new CallDeadline(5_000);
    let calls = 0;
    const read = (): Promise<string> => (++calls < 3 ? Promise.reject(transient) : Promise.resolve('ok'));
    await expect(deadline.retryRead(read, isTransient, [1, 1])).resolves.toBe('ok');
    expect(calls).toBe(3);
    calls = -10;
    await expect(deadline.retryRead(read, isTransient, [1, 1])).rejects.toBe(transient);
    expect(calls).toBe(-7);
    deadline.dispose();
  });

  it('does not retry a failure that is not transient', async () => {
    const deadline = new CallDeadline(5_000);
    const other = new Error('403');
    let calls = 0;
    await expect(deadline.retryRead(() => (calls++, Promise.reject(other)), isTransient, [1, 1])).rejects.toBe(other);
    expect(calls).toBe(1);
    deadline.dispose();
  });

  it('ends the backoff when the call is over, not after it', async () => {
    const controller = new AbortController();
    let calls = 0;
    const pending = retryRead({ signal: controller.signal, remainingMs: () => 60_000 }, () => (calls++, Promise.reject(transient)), isTransient, [30_000]);
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(1);
  });

  it('gives up at once when the budget has no room for the wait', async () => {
    let calls = 0;
    const pending = retryRead({ signal: new AbortController().signal, remainingMs: () => 50 }, () => (calls++, Promise.reject(transient)), isTransient, [100]);
    await expect(pending).rejects.toBe(transient);
    expect(calls).toBe(1);
  });

  it('aborts the deadline signal with the given reason when the budget is spent', async () => {
    const deadline = new CallDeadline(5, () => new Error('out of time'));
    expect(deadline.expired).toBe(false);
    // Waits for the abort itself, however late a loaded machine runs the timer.
    await new Promise((resolve) => deadline.signal.addEventListener('abort', resolve, { once: true }));
    expect(deadline.expired).toBe(true);
    expect(deadline.signal.reason).toEqual(new Error('out of time'));
    expect(deadline.remainingMs()).toBe(0);
  });

  it('takes only the credential kinds a family accepts, with a 400 before any request', () => {
    const token = { kind: 'token', token: new Secret('t') } as const;
    const basic = { kind: 'basic', username: 'u', password: new Secret('p') } as const;
    expect(requireCredential(token, 'token', 'PAT please')).toBe(token);
    expect(requireCredential(basic, ['token', 'basic'], 'PAT or Basic')).toBe(basic);
    let refused: unknown;
    try {
      requireCredential(basic, 'token', 'PAT please');
    } catch (error) {
      refused = error;
    }
    expect(isAppError(refused) && refused.code).toBe('VALIDATION_FAILED');
    expect(isAppError(refused) && refused.message).toBe('PAT please');
  });

  it('drops trailing slashes only', () => {
    expect(withoutTrailingSlash('https://h.example/a//')).toBe('https://h.example/a');
    expect(withoutTrailingSlash('https://h.example/a')).toBe('https://h.example/a');
  });
});
