/**
 * The web service's own answers, without a network: authentication (401 with a challenge, a
 * revoked key refused at once), the client errors it detects before any ledger call (404, 405,
 * 413, 415, 400, a read-only key's 403), the OpenAPI document and the dashboard's files with their
 * security headers.
 */
import { ConfigError } from '../../../../application/src/gateway/errors';
import { addApiKey, revokeApiKey } from '../../../../application/src/web/api-keys';
import { defaultWebPort, WebService } from '../../../../application/src/web/server';
import { errorOf, type OfflineService, offlineService } from './support';

let web: OfflineService;
beforeAll(async () => {
  web = await offlineService();
});
afterAll(async () => {
  await web.close();
});

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

describe('authentication', () => {
  test('GET /api/health needs no key and says which org the service is and how to show money', async () => {
    const response = await fetch(web.url('/api/health'));

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      org: { mspId: 'CommunityMSP', name: 'community' },
      channel: 'estp',
      display: { settlementCurrency: 'EUR', cnyPerEur: '7.8000', rateSource: null },
    });
  });

  test('a request without a key is 401 ESTP_UNAUTHENTICATED with a Bearer challenge', async () => {
    const response = await fetch(web.url('/api/tx/Market/ListMarkets'));

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="estp"');
    expect((await errorOf(response)).code).toBe('ESTP_UNAUTHENTICATED');
  });

  test.each([
    ['a malformed key', 'not-a-key'],
    ['a well-formed unknown key', `estp_0123456789ab_${'A'.repeat(43)}`],
  ])('%s is 401', async (_name, key) => {
    const response = await fetch(web.url('/api/me'), { headers: bearer(key) });

    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({
      code: 'ESTP_UNAUTHENTICATED',
      message: 'the API key is unknown or revoked',
    });
  });

  test('a key revoked in the file is refused by the running service, without a restart', async () => {
    // Given a new key that works (a 415 is answered after authentication)
    const { key, entry } = addApiKey(web.keysFile, 'CommunityMSP', 'member1', { label: 'revoke me' });
    const post = () =>
      fetch(web.url('/api/tx/Market/PostOffer'), {
        method: 'POST',
        headers: { ...bearer(key), 'Content-Type': 'text/plain' },
        body: 'x',
      });
    expect((await post()).status).toBe(415);

    // When the admin revokes it
    revokeApiKey(web.keysFile, 'CommunityMSP', entry.id);

    // Then the next request with it is unauthenticated
    expect((await post()).status).toBe(401);
  });

  test('the X-API-Key header works as well as Authorization: Bearer', async () => {
    const response = await fetch(web.url('/api/tx/Market/PostOffer'), {
      method: 'POST',
      headers: { 'X-API-Key': web.keys.member, 'Content-Type': 'text/plain' },
      body: 'x',
    });

    expect(response.status).toBe(415);
  });
});

describe('client errors answered before the ledger', () => {
  test('an unknown route is 404 ESTP_NO_ROUTE', async () => {
    const response = await fetch(web.url('/api/nothing/here'), { headers: bearer(web.keys.member) });

    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('ESTP_NO_ROUTE');
  });

  test('an unknown transaction is 404 naming the contract’s transactions', async () => {
    const response = await fetch(web.url('/api/tx/Market/PostOfer'), { headers: bearer(web.keys.member) });

    expect(response.status).toBe(404);
    expect((await errorOf(response)).message).toContain('known: OpenMarket, GetMarket');
  });

  test('a submission called with GET is 405 with Allow: POST', async () => {
    const response = await fetch(web.url('/api/tx/Market/PostOffer'), { headers: bearer(web.keys.member) });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect((await errorOf(response)).code).toBe('ESTP_METHOD_NOT_ALLOWED');
  });

  test('a query called with POST is 405 with Allow: GET', async () => {
    const response = await fetch(web.url('/api/tx/Market/ListMarkets'), {
      method: 'POST',
      headers: { ...bearer(web.keys.member), 'Content-Type': 'application/json' },
      body: '{}',
    });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });

  test('a route with another method is 405 with the methods it has', async () => {
    const response = await fetch(web.url('/api/meter/reports'), { headers: bearer(web.keys.member) });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  test('a body that is not JSON is 400 ESTP_INVALID_INPUT', async () => {
    const response = await fetch(web.url('/api/tx/Market/PostOffer'), {
      method: 'POST',
      headers: { ...bearer(web.keys.member), 'Content-Type': 'application/json' },
      body: '{"offerId":',
    });

    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'ESTP_INVALID_INPUT' });
  });

  test('a body that is a JSON array is 400', async () => {
    const response = await fetch(web.url('/api/tx/Market/PostOffer'), {
      method: 'POST',
      headers: { ...bearer(web.keys.member), 'Content-Type': 'application/json' },
      body: '[]',
    });

    expect(response.status).toBe(400);
  });

  test('a body over 1 MiB is 413 ESTP_PAYLOAD_TOO_LARGE', async () => {
    const response = await fetch(web.url('/api/tx/Market/PostOffer'), {
      method: 'POST',
      headers: { ...bearer(web.keys.member), 'Content-Type': 'application/json' },
      body: JSON.stringify({ note: 'x'.repeat(1024 * 1024) }),
    });

    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('ESTP_PAYLOAD_TOO_LARGE');
  });

  test('a read-only key cannot submit: 403 ESTP_FORBIDDEN', async () => {
    const response = await fetch(web.url('/api/tx/Market/PostOffer'), {
      method: 'POST',
      headers: { ...bearer(web.keys.readOnly), 'Content-Type': 'application/json' },
      body: '{}',
    });

    expect(response.status).toBe(403);
    expect(await errorOf(response)).toMatchObject({
      code: 'ESTP_FORBIDDEN',
      message: expect.stringContaining('read-only') as unknown,
    });
  });

  test('a query parameter of the wrong type is 400 naming it', async () => {
    const response = await fetch(web.url('/api/tx/Market/ListMarkets?pageSize=ten'), {
      headers: bearer(web.keys.member),
    });

    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain('pageSize');
  });

  test('transient data a transaction does not take is 400 naming the ones it does', async () => {
    const response = await fetch(web.url('/api/tx/Participant/Register'), {
      method: 'POST',
      headers: { ...bearer(web.keys.member), 'Content-Type': 'application/json' },
      body: JSON.stringify({ $transient: { passport: 'AAAA' } }),
    });

    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain('known: verification');
  });

  test('an invalid Last-Event-ID is 400 before any stream opens', async () => {
    const response = await fetch(web.url('/api/events'), {
      headers: { ...bearer(web.keys.member), 'Last-Event-ID': '12' },
    });

    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain('<block number>:<transaction ID>');
  });

  test('a meter batch that is not { reports: [...] } is 400', async () => {
    const response = await fetch(web.url('/api/meter/reports'), {
      method: 'POST',
      headers: { ...bearer(web.keys.member), 'Content-Type': 'application/json' },
      body: JSON.stringify({ reports: [] }),
    });

    expect(response.status).toBe(400);
  });
});

describe('documents and pages', () => {
  test('the OpenAPI document is served at /api/openapi.json without a key', async () => {
    const response = await fetch(web.url('/api/openapi.json'));

    expect(response.status).toBe(200);
    expect(((await response.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });

  test.each([
    ['/', 'ESTP'],
    ['/api/docs', 'API'],
  ])('%s is an HTML page allowed only this origin', async (pathname, title) => {
    const response = await fetch(web.url(pathname));

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(await response.text()).toContain(title);
  });

  test('assets are served with an ETag, and not again while unchanged', async () => {
    const first = await fetch(web.url('/assets/app.js'));
    const etag = first.headers.get('etag') ?? '';

    const again = await fetch(web.url('/assets/app.js'), { headers: { 'If-None-Match': etag } });

    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(again.status).toBe(304);
  });

  test.each(['/assets/index.html', '/assets/..%2Fapi-keys.json', '/assets/missing.js'])(
    '%s is 404',
    async (pathname) => {
      expect((await fetch(web.url(pathname))).status).toBe(404);
    },
  );
});

describe('listening', () => {
  test('the default port is ESTP_WEB_PORT, else the port base + 80, else 7080', () => {
    expect(defaultWebPort({ ESTP_WEB_PORT: '9999', ESTP_PORT_BASE: '18000' })).toBe(9999);
    expect(defaultWebPort({ ESTP_PORT_BASE: '18000' })).toBe(18080);
    expect(defaultWebPort({})).toBe(7080);
    expect(() => defaultWebPort({ ESTP_WEB_PORT: 'eighty' })).toThrow(ConfigError);
  });

  test('a port in use is a configuration error naming it, not a crash', async () => {
    const port = Number(new URL(web.service.url).port);

    await expect(
      WebService.start({
        settings: web.settings,
        keysFile: web.keysFile,
        port,
        dashboardDir: `${web.dir}/dashboard`,
      }),
    ).rejects.toThrow(
      new ConfigError(
        `cannot listen on 127.0.0.1:${port} (EADDRINUSE): is another service there? (--port, ESTP_WEB_PORT)`,
      ),
    );
  });
});
