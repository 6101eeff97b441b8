import createClient from 'openapi-fetch';
import { describe, expect, it, vi } from 'vitest';
import { createSession } from '@/lib/auth/refresh';
import { createTokenStore, REFRESH_TOKEN_KEY } from '@/lib/auth/token-store';
import { json, mockApi, problem, tokens } from '@/testing/fetch-mock';
import { createAuthMiddleware } from './auth-middleware';
import type { paths } from './schema';

const me = { kind: 'user', id: 1, name: 'Ada', email: 'ada@example.com', role: 'admin', scopes: [] };

function signedInStore() {
  const store = createTokenStore({ storage: window.localStorage });
  store.setTokens(tokens('1'));
  return store;
}

function setup(store = signedInStore()) {
  const client = createClient<paths>({
    baseUrl: 'http://localhost',
    fetch: (request) => globalThis.fetch(request),
  });
  const requestRefresh = vi.fn(async (refreshToken: string) => {
    const response = await globalThis.fetch(
      new Request('http://localhost/api/v1/auth/refresh', {
        method: 'POST',
        body: JSON.stringify({ refresh_token: refreshToken }),
      }),
    );
    return response.ok ? ((await response.json()) as ReturnType<typeof tokens>) : null;
  });
  const { refresh } = createSession(store, { refresh: requestRefresh, logout: () => Promise.resolve() }, (task) => task());
  client.use(createAuthMiddleware({ store, refresh }));
  return { store, client, requestRefresh };
}

const bearer = (token: string) => `Bearer ${token}`;

describe('auth middleware', () => {
  it('sends the access token as a bearer token', async () => {
    const { client } = setup();
    const api = mockApi({ 'GET /api/v1/auth/me': () => json(me) });

    const { data } = await client.GET('/api/v1/auth/me');

    expect(data?.name).toBe('Ada');
    expect(api.requests[0]?.headers.get('Authorization')).toBe(bearer('access-1'));
  });

  it('does not send a bearer token to login', async () => {
    const { client } = setup();
    const api = mockApi({ 'POST /api/v1/auth/login': () => json(tokens('x')) });

    await client.POST('/api/v1/auth/login', { body: { email: 'a@b.c', password: 'pw' } });

    expect(api.requests[0]?.headers.get('Authorization')).toBeNull();
  });

  it('refreshes once for concurrent 401s and retries each call with the new token', async () => {
    const { client, store, requestRefresh } = setup();
    const api = mockApi({
      'GET /api/v1/auth/me': ({ headers }) =>
        headers.get('Authorization') === bearer('access-2') ? json(me) : problem(401, 'token_expired', 'Expired'),
      'GET /api/v1/users': ({ headers }) =>
        headers.get('Authorization') === bearer('access-2')
          ? json({ items: [], next_cursor: null })
          : problem(401, 'token_expired', 'Expired'),
      'POST /api/v1/auth/refresh': () => json(tokens('2')),
    });

    const [meResult, usersResult] = await Promise.all([client.GET('/api/v1/auth/me'), client.GET('/api/v1/users')]);

    expect(meResult.data?.name).toBe('Ada');
    expect(usersResult.data?.items).toEqual([]);
    expect(requestRefresh).toHaveBeenCalledTimes(1);
    expect(api.requests.filter((r) => r.path === '/api/v1/auth/refresh')).toHaveLength(1);
    expect(api.requests.find((r) => r.path === '/api/v1/auth/refresh')?.body).toEqual({ refresh_token: 'refresh-1' });
    expect(store.getRefreshToken()).toBe('refresh-2');
  });

  it('refreshes before sending when there is no access token yet (after a reload)', async () => {
    window.localStorage.setItem(REFRESH_TOKEN_KEY, 'refresh-1');
    const { client } = setup(createTokenStore({ storage: window.localStorage }));
    const api = mockApi({
      'POST /api/v1/auth/refresh': () => json(tokens('2')),
      'GET /api/v1/auth/me': () => json(me),
    });

    await client.GET('/api/v1/auth/me');

    expect(api.requests.map((r) => r.path)).toEqual(['/api/v1/auth/refresh', '/api/v1/auth/me']);
    expect(api.requests[1]?.headers.get('Authorization')).toBe(bearer('access-2'));
  });

  it('ends the session and returns the 401 when the refresh is refused', async () => {
    const { client, store } = setup();
    mockApi({
      'GET /api/v1/auth/me': () => problem(401, 'token_expired', 'Expired'),
      'POST /api/v1/auth/refresh': () => problem(401, 'invalid_refresh_token', 'Refresh token revoked'),
    });

    const { error, response } = await client.GET('/api/v1/auth/me');

    expect(response.status).toBe(401);
    expect(error?.code).toBe('token_expired');
    expect(store.getSnapshot()).toEqual({ signedIn: false, signOutReason: 'expired' });
    expect(store.getRefreshToken()).toBeNull();
  });
});
