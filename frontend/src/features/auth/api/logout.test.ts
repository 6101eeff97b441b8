import { describe, expect, it } from 'vitest';
import { refreshSession } from '@/lib/api/client';
import { REFRESH_TOKEN_KEY, tokenStore } from '@/lib/auth/token-store';
import { json, mockApi, tokens } from '@/testing/fetch-mock';
import { logout } from './logout';

describe('logout', () => {
  it('cannot be undone by a refresh that was already in flight', async () => {
    tokenStore.setTokens(tokens('1'));
    let answerRefresh!: () => void;
    const refreshAnswered = new Promise<void>((resolve) => (answerRefresh = resolve));
    const api = mockApi({
      'POST /api/v1/auth/refresh': async () => {
        await refreshAnswered;
        return json(tokens('2'));
      },
      'POST /api/v1/auth/logout': () => new Response(null, { status: 204 }),
    });

    const refreshing = refreshSession();
    const loggingOut = logout();
    answerRefresh();
    await Promise.all([refreshing, loggingOut]);

    const logouts = api.requests.filter((r) => r.path === '/api/v1/auth/logout');
    expect(logouts.map((r) => r.body)).toEqual([{ refresh_token: 'refresh-2' }]);
    expect(logouts[0]?.headers.get('Authorization')).toBeNull();
    expect(window.localStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    expect(tokenStore.getAccessToken()).toBeNull();
    expect(tokenStore.getSnapshot()).toEqual({ signedIn: false, signOutReason: 'logout' });
  });
});
