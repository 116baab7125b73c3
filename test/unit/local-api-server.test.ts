import { createServer } from 'node:net';
import { LocalApiServer } from '../../lambdas/local/api-server';

describe('local API server', () => {
  it('says clearly when its port is already in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(new LocalApiServer([]).start(port)).rejects.toThrow(`port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('answers unknown routes 404 and wrong methods 405 as problem+json', async () => {
    const server = new LocalApiServer([{ routeKey: 'GET /health', handler: async () => ({ statusCode: 200, headers: {}, body: '' }) }]);
    const url = await server.start(0);
    try {
      const missing = await fetch(`${url}/nope`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toBe('application/problem+json');
      const wrong = await fetch(`${url}/health`, { method: 'POST' });
      expect(wrong.status).toBe(405);
      expect(((await wrong.json()) as { code: string }).code).toBe('METHOD_NOT_ALLOWED');
    } finally {
      await server.stop();
    }
  });
});
