import { describe, expect, it, vi } from 'vitest';
import { tokens } from '@/testing/fetch-mock';
import { createRefresher, type WithLock } from './refresh';
import { createTokenStore } from './token-store';

const noLock: WithLock = (task) => task();

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function signedInStore() {
  const store = createTokenStore({ storage: window.localStorage });
  store.setTokens(tokens('1'));
  return store;
}

describe('refresh', () => {
  it('shares one refresh between concurrent callers and stores the rotated tokens', async () => {
    const store = signedInStore();
    const response = deferred<ReturnType<typeof tokens> | null>();
    const request = vi.fn(() => response.promise);
    const refresh = createRefresher(store, request, noLock);

    const first = refresh();
    const second = refresh();
    response.resolve(tokens('2'));

    await expect(Promise.all([first, second])).resolves.toEqual(['access-2', 'access-2']);
    expect(request).toHaveBeenCalledTimes(1);
    expect(request).toHaveBeenCalledWith('refresh-1');
    expect(store.getRefreshToken()).toBe('refresh-2');
    expect(store.getAccessToken()).toBe('access-2');
  });

  it('sends the rotated token on the next refresh, never the used one', async () => {
    const store = signedInStore();
    const request = vi.fn().mockResolvedValueOnce(tokens('2')).mockResolvedValueOnce(tokens('3'));
    const refresh = createRefresher(store, request, noLock);

    await refresh();
    await refresh();

    expect(request.mock.calls).toEqual([['refresh-1'], ['refresh-2']]);
  });

  it('ends the session when the API refuses the refresh token', async () => {
    const store = signedInStore();
    const refresh = createRefresher(store, () => Promise.resolve(null), noLock);

    await expect(refresh()).resolves.toBeNull();
    expect(store.getRefreshToken()).toBeNull();
    expect(store.getSnapshot()).toEqual({ signedIn: false, signOutReason: 'expired' });
  });

  it('keeps the session when the API cannot be reached', async () => {
    const store = signedInStore();
    const refresh = createRefresher(store, () => Promise.reject(new TypeError('fetch failed')), noLock);

    await expect(refresh()).rejects.toThrow('fetch failed');
    expect(store.getRefreshToken()).toBe('refresh-1');
    expect(store.getSnapshot().signedIn).toBe(true);
  });

  it('does not call the API without a refresh token', async () => {
    const store = createTokenStore({ storage: window.localStorage });
    const request = vi.fn();
    const refresh = createRefresher(store, request, noLock);

    await expect(refresh()).resolves.toBeNull();
    expect(request).not.toHaveBeenCalled();
  });
});
