import { describe, expect, it, vi } from 'vitest';
import { tokens } from '@/testing/fetch-mock';
import { createTokenStore, REFRESH_TOKEN_KEY } from './token-store';

function setup() {
  let now = 1_000_000;
  const store = createTokenStore({ storage: window.localStorage, now: () => now });
  return { store, advance: (ms: number) => (now += ms) };
}

describe('token store', () => {
  it('keeps the access token in memory and the refresh token in localStorage', () => {
    const { store } = setup();
    store.setTokens(tokens('a'));

    expect(store.getAccessToken()).toBe('access-a');
    expect(store.getRefreshToken()).toBe('refresh-a');
    expect(window.localStorage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-a');
    expect(JSON.stringify({ ...window.localStorage })).not.toContain('access-a');
  });

  it('starts signed in when a refresh token survived a reload, but with no access token', () => {
    window.localStorage.setItem(REFRESH_TOKEN_KEY, 'refresh-old');
    const { store } = setup();

    expect(store.getSnapshot()).toEqual({ signedIn: true, signOutReason: null });
    expect(store.getAccessToken()).toBeNull();
    expect(store.accessTokenExpiresWithin(0)).toBe(true);
  });

  it('knows when the access token is about to expire', () => {
    const { store, advance } = setup();
    store.setTokens(tokens('a', 60));

    expect(store.accessTokenExpiresWithin(10_000)).toBe(false);
    advance(51_000);
    expect(store.accessTokenExpiresWithin(10_000)).toBe(true);
  });

  it('clears both tokens, remembers why, and tells subscribers once', () => {
    const { store } = setup();
    store.setTokens(tokens('a'));
    const listener = vi.fn();
    store.subscribe(listener);

    store.clear('expired');
    store.clear('expired');

    expect(store.getAccessToken()).toBeNull();
    expect(store.getRefreshToken()).toBeNull();
    expect(store.getSnapshot()).toEqual({ signedIn: false, signOutReason: 'expired' });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('keeps the same snapshot object while nothing changes (useSyncExternalStore needs that)', () => {
    const { store } = setup();
    store.setTokens(tokens('a'));
    const first = store.getSnapshot();
    store.setTokens(tokens('b'));
    expect(store.getSnapshot()).toBe(first);
  });
});
