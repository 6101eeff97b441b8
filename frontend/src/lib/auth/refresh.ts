import type { TokenResponse } from '@/lib/api/types';
import { REFRESH_TOKEN_KEY, type TokenStore } from './token-store';

/** Sends the refresh token; resolves to null when the API refuses it (invalid, revoked, expired). */
export type RefreshRequest = (refreshToken: string) => Promise<TokenResponse | null>;

/** Revokes a refresh token (and the session it belongs to) on the server. */
export type LogoutRequest = (refreshToken: string) => Promise<void>;

/** Runs `task` while holding a lock shared by every tab of this origin. */
export type WithLock = <T>(task: () => Promise<T>) => Promise<T>;

/** The Web Locks name, shared by refresh and logout in every tab. */
export const SESSION_LOCK_NAME = REFRESH_TOKEN_KEY;
/** Where the localStorage fallback lock lives. */
export const STORAGE_LOCK_KEY = `${REFRESH_TOKEN_KEY}.lock`;

interface StorageLockOptions {
  storage: Storage;
  key?: string;
  /** A holder that vanished (closed tab) frees the lock after this long; a live holder renews it. */
  ttlMs?: number;
  /** How long to wait after writing the lock before reading it back to confirm ownership. */
  settleMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface LockRecord {
  owner: string;
  expires: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function newOwnerId(): string {
  return typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * A cross-tab lock in localStorage, for browsers without the Web Locks API (it needs a secure
 * context, so plain-HTTP installs do not have it). Each acquisition writes `{owner, expires}`,
 * waits a moment, and reads it back: whoever's record survived holds the lock. Not a perfect
 * mutex, but it turns "two tabs refresh at the same instant" into a rare race instead of the
 * rule, and the refresher re-reads the token once it holds the lock.
 */
export function createStorageLock({
  storage,
  key = STORAGE_LOCK_KEY,
  ttlMs = 10_000,
  settleMs = 30,
  now = Date.now,
  sleep = defaultSleep,
}: StorageLockOptions): WithLock {
  function read(): LockRecord | null {
    try {
      const raw = storage.getItem(key);
      if (raw === null) return null;
      const parsed = JSON.parse(raw) as Partial<LockRecord> | null;
      return typeof parsed?.owner === 'string' && typeof parsed.expires === 'number'
        ? { owner: parsed.owner, expires: parsed.expires }
        : null;
    } catch {
      return null;
    }
  }

  function write(owner: string) {
    storage.setItem(key, JSON.stringify({ owner, expires: now() + ttlMs } satisfies LockRecord));
  }

  /** Resolves to false when storage cannot be written at all (then there is nothing to lock with). */
  async function acquire(owner: string): Promise<boolean> {
    let backoff = 20;
    for (;;) {
      const held = read();
      if (held === null || held.expires <= now()) {
        try {
          write(owner);
        } catch {
          return false;
        }
        await sleep(settleMs);
        if (read()?.owner === owner) return true;
      }
      await sleep(backoff + Math.random() * backoff);
      backoff = Math.min(backoff * 2, 250);
    }
  }

  function release(owner: string) {
    try {
      if (read()?.owner === owner) storage.removeItem(key);
    } catch {
      // Storage went away: the record expires by itself.
    }
  }

  return async (task) => {
    const owner = newOwnerId();
    if (!(await acquire(owner))) return task();
    // Keep the lease while the task runs (a slow refresh must not let another tab in).
    const renew = setInterval(() => {
      try {
        if (read()?.owner === owner) write(owner);
      } catch {
        // Nothing to do: the lease runs out.
      }
    }, ttlMs / 3);
    try {
      return await task();
    } finally {
      clearInterval(renew);
      release(owner);
    }
  };
}

let storageLock: WithLock | null = null;

/** The Web Locks API where the browser has it, otherwise a lock in localStorage. */
export const browserLock: WithLock = async (task) => {
  const locks = typeof navigator === 'undefined' ? undefined : (navigator as Partial<Navigator>).locks;
  if (locks) return await locks.request(SESSION_LOCK_NAME, task);
  if (typeof window === 'undefined') return await task();
  storageLock ??= createStorageLock({ storage: window.localStorage });
  return await storageLock(task);
};

export interface Session {
  /**
   * Single-flight refresh: callers that arrive while a refresh is running share it, because
   * the refresh token rotates and a second use of the old one revokes the whole session.
   *
   * Resolves to the new access token, or to null when there is no session or the API refused
   * the refresh (then the session is cleared). A network or server failure rejects and keeps
   * the session, so a blip does not log anyone out.
   */
  refresh: () => Promise<string | null>;
  /**
   * Revokes the refresh token on the server, then forgets both tokens. Waits for a refresh in
   * flight (in any tab) so it revokes the token that refresh produced, and so that refresh
   * cannot store its tokens after the logout. Rejects when the server could not be told, but
   * the local session ends either way.
   */
  logout: () => Promise<void>;
}

interface SessionRequests {
  refresh: RefreshRequest;
  logout: LogoutRequest;
}

export function createSession(store: TokenStore, requests: SessionRequests, withLock: WithLock = browserLock): Session {
  // In-tab queue: refresh and logout never overlap here, whatever lock `withLock` provides.
  let tail: Promise<unknown> = Promise.resolve();
  function exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = tail.then(() => withLock(task));
    tail = result.catch(() => undefined);
    return result;
  }

  function revokeQuietly(refreshToken: string) {
    requests.logout(refreshToken).catch(() => undefined);
  }

  // Reads the token inside the lock: another tab may have rotated it while we waited.
  async function runRefresh(): Promise<string | null> {
    const sent = store.getRefreshToken();
    if (sent === null) return null;
    const tokens = await requests.refresh(sent);
    // A logout (or a new login) replaced the token while the request was out: its answer
    // belongs to a session that is over. Storing it would sign the person back in.
    if (store.getRefreshToken() !== sent) {
      if (tokens !== null) revokeQuietly(tokens.refresh_token);
      return null;
    }
    if (tokens === null) {
      store.clear('expired');
      return null;
    }
    store.setTokens(tokens);
    return tokens.access_token;
  }

  async function runLogout(): Promise<void> {
    const refreshToken = store.getRefreshToken();
    try {
      if (refreshToken !== null) await requests.logout(refreshToken);
    } finally {
      store.clear('logout');
    }
  }

  let refreshing: Promise<string | null> | null = null;
  let loggingOut: Promise<void> | null = null;

  return {
    refresh() {
      refreshing ??= exclusive(runRefresh).finally(() => {
        refreshing = null;
      });
      return refreshing;
    },
    logout() {
      loggingOut ??= exclusive(runLogout).finally(() => {
        loggingOut = null;
      });
      return loggingOut;
    },
  };
}
