import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../lambdas/observability/logger';
import { captureLogs } from '../support/capture-logs';

describe('local request logs in a file (PATGATE_LOG_FILE)', () => {
  it('writes the redacted lines to the file and nothing to stdout or stderr', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'patgate-log-'));
    const file = join(dir, '.local', 'api.log');
    const logs = captureLogs();
    try {
      const logger = createLogger('patgate', file);
      logger.info('request handled', { status: 201, token: 'ghp_secretvalue1234567890' });
      logger.error('request refused', { status: 500 });
    } finally {
      logs.restore();
    }
    try {
      expect(logs.text()).toBe('');
      // The file stream writes asynchronously: wait until both lines are there.
      let text = '';
      for (let i = 0; i < 200 && text.split('\n').length < 3; i += 1) {
        text = await readFile(file, 'utf8').catch(() => '');
        if (text.split('\n').length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => [l.level, l.message, l.status])).toEqual([
        ['INFO', 'request handled', 201],
        ['ERROR', 'request refused', 500],
      ]);
      expect(lines[0]?.token).toBe('[redacted]');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without a file, logs go to stdout as in Lambda', () => {
    const logs = captureLogs();
    try {
      createLogger('patgate', undefined).info('hello');
    } finally {
      logs.restore();
    }
    expect(JSON.parse(logs.text())).toMatchObject({ message: 'hello', service: 'patgate' });
  });
});
