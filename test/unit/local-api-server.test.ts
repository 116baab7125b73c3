import { createServer } from 'node:net';
import { LocalApiServer } from '../../local/api-server';

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

describe('local API server routes paths as API Gateway HTTP APIs do', () => {
  const echo = (routeKey: string) => ({
    routeKey,
    handler: async (event: { routeKey: string; pathParameters?: Record<string, string | undefined> }) => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ routeKey: event.routeKey, pathParameters: event.pathParameters ?? {} }),
    }),
  });
  let server: LocalApiServer;
  let url: string;
  beforeAll(async () => {
    server = new LocalApiServer([echo('GET /items/{id}'), echo('GET /items/{id}/parts'), echo('GET /files/{proxy+}'), echo('PUT /api/admin/integrations/{integrationId}/repositories')]);
    url = await server.start(0);
  });
  afterAll(() => server.stop());
  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`);
    return { status: res.status, body: (await res.json()) as { routeKey?: string; pathParameters?: Record<string, string> } };
  };

  it('an encoded slash separates segments: it never fits one {param}', async () => {
    expect((await get('/items/a%2Fb')).status).toBe(404);
    expect((await get('/items/a%2Fparts')).body.routeKey).toBe('GET /items/{id}/parts');
    expect((await get('/api/admin/integrations/abc/repositories/acme%2Fweb')).status).toBe(404);
  });

  it('decodes a parameter once more before the integration gets it', async () => {
    expect((await get('/items/caf%C3%A9')).body.pathParameters).toEqual({ id: 'café' });
    expect((await get('/items/a%252Fb')).body.pathParameters).toEqual({ id: 'a/b' });
    expect((await get('/items/a%20b')).body.pathParameters).toEqual({ id: 'a b' });
  });

  it('a {param} takes one non-empty segment; {proxy+} the rest; a path that does not decode matches nothing', async () => {
    expect((await get('/items/')).status).toBe(404);
    expect((await get('/items/x/y')).status).toBe(404);
    expect((await get('/files/a/b/c')).body.pathParameters).toEqual({ proxy: 'a/b/c' });
    expect((await get('/items/%E0%A4%A')).status).toBe(404);
  });
});
