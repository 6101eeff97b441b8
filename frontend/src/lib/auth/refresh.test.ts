import { afterEach, describe, expect, it, vi } from 'vitest';
import { tokens } from '@/testing/fetch-mock';
import {
  browserLock,
  createSession,
  createStorageLock,
  SESSION_LOCK_NAME,
  STORAGE_LOCK_KEY,
  type LogoutRequest,
  type RefreshRequest,
  type WithLock,
} from './refresh';
import { createTokenStore, REFRESH_TOKEN_KEY } from './token-store';

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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function signedInStore() {
  const store = createTokenStore({ storage: window.localStorage });
  store.setTokens(tokens('1'));
  return store;
}

function setup(
  request: RefreshRequest,
  { store = signedInStore(), lock = noLock }: { store?: ReturnType<typeof signedInStore>; lock?: WithLock } = {},
) {
  const logoutRequest = vi.fn<LogoutRequest>(() => Promise.resolve());
  const session = createSession(store, { refresh: request, logout: logoutRequest }, lock);
  return { store, session, refresh: session.refresh, logoutRequest };
}

/** A lock shared by several sessions, as the Web Locks API is shared by the tabs of an origin. */
function sharedLock(): WithLock {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const result = tail.then(task);
    tail = result.catch(() => undefined);
    return result;
  };
}

function withoutWebLocks() {
  Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });
}

afterEach(() => {
  delete (navigator as { locks?: unknown }).locks;
});

describe('refresh', () => {
  it('shares one refresh between concurrent callers and stores the rotated tokens', async () => {
    const response = deferred<ReturnType<typeof tokens> | null>();
    const request = vi.fn(() => response.promise);
    const { refresh, store } = setup(request);

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
    const request = vi.fn().mockResolvedValueOnce(tokens('2')).mockResolvedValueOnce(tokens('3'));
    const { refresh } = setup(request);

    await refresh();
    await refresh();

    expect(request.mock.calls).toEqual([['refresh-1'], ['refresh-2']]);
  });

  it('ends the session when the API refuses the refresh token', async () => {
    const { refresh, store } = setup(() => Promise.resolve(null));

    await expect(refresh()).resolves.toBeNull();
    expect(store.getRefreshToken()).toBeNull();
    expect(store.getSnapshot()).toEqual({ signedIn: false, signOutReason: 'expired' });
  });

  it('keeps the session when the API cannot be reached', async () => {
    const { refresh, store } = setup(() => Promise.reject(new TypeError('fetch failed')));

    await expect(refresh()).rejects.toThrow('fetch failed');
    expect(store.getRefreshToken()).toBe('refresh-1');
    expect(store.getSnapshot().signedIn).toBe(true);
  });

  it('does not call the API without a refresh token', async () => {
    const request = vi.fn();
    const { refresh } = setup(request, { store: createTokenStore({ storage: window.localStorage }) });

    await expect(refresh()).resolves.toBeNull();
    expect(request).not.toHaveBeenCalled();
  });

  it('does not bring the session back when it resolves after a logout, and revokes what it got', async () => {
    const response = deferred<ReturnType<typeof tokens> | null>();
    const request = vi.fn(() => response.promise);
    const { refresh, store, logoutRequest } = setup(request);

    const pending = refresh();
    await vi.waitFor(() => expect(request).toHaveBeenCalledWith('refresh-1'));
    store.clear('logout'); // e.g. a logout that did not wait for the lock
    response.resolve(tokens('2'));

    await expect(pending).resolves.toBeNull();
    expect(store.getRefreshToken()).toBeNull();
    expect(store.getAccessToken()).toBeNull();
    expect(store.getSnapshot()).toEqual({ signedIn: false, signOutReason: 'logout' });
    expect(logoutRequest).toHaveBeenCalledExactlyOnceWith('refresh-2');
  });

  it('keeps "logged out" (not "expired") when a refused refresh resolves after a logout', async () => {
    const response = deferred<ReturnType<typeof tokens> | null>();
    const request = vi.fn(() => response.promise);
    const { refresh, store } = setup(request);

    const pending = refresh();
    await vi.waitFor(() => expect(request).toHaveBeenCalled());
    store.clear('logout');
    response.resolve(null);

    await expect(pending).resolves.toBeNull();
    expect(store.getSnapshot()).toEqual({ signedIn: false, signOutReason: 'logout' });
  });
});

describe('logout', () => {
  it('waits for a refresh in flight in this tab and revokes the token it produced', async () => {
    const response = deferred<ReturnType<typeof tokens> | null>();
    const { session, store, logoutRequest } = setup(() => response.promise);

    const refreshing = session.refresh();
    const loggingOut = session.logout();
    await sleep(0);
    expect(logoutRequest).not.toHaveBeenCalled();

    response.resolve(tokens('2'));
    await expect(refreshing).resolves.toBe('access-2');
    await loggingOut;

    expect(logoutRequest).toHaveBeenCalledExactlyOnceWith('refresh-2');
    expect(store.getRefreshToken()).toBeNull();
    expect(store.getSnapshot()).toEqual({ signedIn: false, signOutReason: 'logout' });
    await expect(session.refresh()).resolves.toBeNull();
  });

  it('waits for a refresh in flight in another tab, which then cannot store its tokens', async () => {
    const lock = sharedLock();
    const response = deferred<ReturnType<typeof tokens> | null>();
    const tabA = setup(() => response.promise, { lock });
    const tabB = setup(vi.fn(), { lock, store: createTokenStore({ storage: window.localStorage }) });

    const refreshing = tabA.refresh();
    const loggingOut = tabB.session.logout();
    await sleep(0);
    expect(tabB.logoutRequest).not.toHaveBeenCalled();

    response.resolve(tokens('2'));
    await refreshing;
    await loggingOut;

    expect(tabB.logoutRequest).toHaveBeenCalledExactlyOnceWith('refresh-2');
    expect(window.localStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    expect(tabB.store.getSnapshot()).toEqual({ signedIn: false, signOutReason: 'logout' });
  });

  it('ends the local session even when the server cannot be told', async () => {
    const { session, store, logoutRequest } = setup(vi.fn());
    logoutRequest.mockRejectedValueOnce(new TypeError('fetch failed'));

    await expect(session.logout()).rejects.toThrow('fetch failed');
    expect(store.getRefreshToken()).toBeNull();
    expect(store.getSnapshot()).toEqual({ signedIn: false, signOutReason: 'logout' });
  });
});

describe('cross-tab lock', () => {
  it('uses the Web Locks API when the browser has it', async () => {
    const request = vi.fn((_name: string, task: () => Promise<unknown>) => task());
    Object.defineProperty(navigator, 'locks', { value: { request }, configurable: true });

    await expect(browserLock(() => Promise.resolve(42))).resolves.toBe(42);
    expect(request).toHaveBeenCalledWith(SESSION_LOCK_NAME, expect.any(Function));
  });

  it('without navigator.locks, two tabs refreshing at once send the stored refresh token only once', async () => {
    withoutWebLocks();
    // The server rotates refresh tokens; a used one revokes the whole session.
    const used: string[] = [];
    let current = 1;
    let revoked = false;
    const request = vi.fn<RefreshRequest>(async (refreshToken) => {
      await sleep(20);
      used.push(refreshToken);
      if (revoked || refreshToken !== `refresh-${current}`) {
        revoked = true;
        return null;
      }
      current += 1;
      return tokens(String(current));
    });
    // Two tabs: their own memory, one localStorage, and no lock passed in (the browser's).
    const tabA = createSession(signedInStore(), { refresh: request, logout: vi.fn() });
    const storeB = createTokenStore({ storage: window.localStorage });
    const tabB = createSession(storeB, { refresh: request, logout: vi.fn() });

    const results = await Promise.all([tabA.refresh(), tabB.refresh()]);

    expect(used.filter((token) => token === 'refresh-1')).toHaveLength(1);
    expect(used.sort()).toEqual(['refresh-1', 'refresh-2']);
    expect(revoked).toBe(false);
    expect(results.sort()).toEqual(['access-2', 'access-3']);
    expect(window.localStorage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-3');
    expect(storeB.getSnapshot().signedIn).toBe(true);
    expect(window.localStorage.getItem(STORAGE_LOCK_KEY)).toBeNull();
  });

  it('waits while another tab holds the storage lock, and releases it afterwards', async () => {
    const lock = createStorageLock({ storage: window.localStorage, settleMs: 5 });
    window.localStorage.setItem(STORAGE_LOCK_KEY, JSON.stringify({ owner: 'other-tab', expires: Date.now() + 10_000 }));
    const task = vi.fn(() => Promise.resolve('done'));

    const locked = lock(task);
    await sleep(100);
    expect(task).not.toHaveBeenCalled();

    window.localStorage.removeItem(STORAGE_LOCK_KEY);
    await expect(locked).resolves.toBe('done');
    expect(window.localStorage.getItem(STORAGE_LOCK_KEY)).toBeNull();
  });

  it('takes over a storage lock whose holder went away, and releases it when the task fails', async () => {
    const lock = createStorageLock({ storage: window.localStorage, settleMs: 5 });
    window.localStorage.setItem(STORAGE_LOCK_KEY, JSON.stringify({ owner: 'closed-tab', expires: Date.now() - 1 }));

    await expect(lock(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(window.localStorage.getItem(STORAGE_LOCK_KEY)).toBeNull();
  });
});
