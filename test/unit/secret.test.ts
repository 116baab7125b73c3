import { inspect } from 'node:util';
import { Secret } from '../../lambdas/domain/secret';
import { redactingReplacer } from '../../lambdas/observability/logger';

describe('Secret', () => {
  const secret = new Secret('ghp_abcdefghijklmnopqrstuvwxyz0123456789');

  it('never prints its value', () => {
    expect(String(secret)).toBe('[redacted]');
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
    expect(inspect({ nested: { secret } })).not.toContain('ghp_');
    expect(`${secret}`).not.toContain('ghp_');
  });

  it('reveals the value only on request and shows the last four characters as a hint', () => {
    expect(secret.reveal()).toBe('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    expect(secret.hint()).toBe('…6789');
    expect(new Secret('short').hint()).toBe('****');
  });
});

describe('log redaction', () => {
  it('redacts secret-named keys at any depth', () => {
    const line = JSON.stringify(
      { a: { b: [{ Token: 'x1', sharedSecret: 'x2' }], authorization: 'JWT x3' }, secretAccessKey: 'x4', ok: 'visible' },
      redactingReplacer,
    );
    expect(line).not.toMatch(/x1|x2|x3|x4/);
    expect(line).toContain('visible');
  });
});
