import { startPlatform, type TestPlatform } from '../helpers/platform';

let p: TestPlatform;
beforeAll(async () => {
  p = await startPlatform({ worker: false });
});
afterAll(() => p.close());

describe('/healthz', () => {
  it('reports ok when PostgreSQL and Temporal both answer', async () => {
    const res = await p.agent().get('/healthz');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ status: 'ok', postgres: 'ok', temporal: 'ok' });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers anyone, without a session and without a forced step in the way', async () => {
    const res = await fetch(`${p.baseUrl}/healthz`, { redirect: 'manual' });
    expect(res.status).toBe(200);
  });
});

describe('error pages', () => {
  it('show the request id, the 401 of an expired session too', async () => {
    const res = await fetch(`${p.baseUrl}/courses`, { headers: { 'HX-Request': 'true' }, redirect: 'manual' });
    expect(res.status).toBe(401);
    const id = res.headers.get('x-request-id');
    expect(await res.text()).toContain(`请求编号:${id}`);
    const missing = await p.agent().get('/no-such-page');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain(`请求编号:${missing.headers.get('x-request-id')}`);
  });
});
