import type { TokenResponse } from '@/lib/api/types';

/**
 * Where the session's tokens live.
 *
 * The access token stays in memory only, so a script that reads storage cannot take it;
 * the refresh token goes to localStorage so a reload (or a new tab) can get a new access
 * token. The refresh token rotates: every refresh replaces it, and the old one is dead.
 */
export const REFRESH_TOKEN_KEY = 'ispbill.refresh';

/** Why the session ended: the person logged out, or the API refused to refresh it. */
export type SignOutReason = 'logout' | 'expired';

export interface SessionSnapshot {
  readonly signedIn: boolean;
  readonly signOutReason: SignOutReason | null;
}

export interface TokenStore {
  getAccessToken: () => string | null;
  /** True when there is no access token or it expires within `marginMs`. */
  accessTokenExpiresWithin: (marginMs: number) => boolean;
  getRefreshToken: () => string | null;
  setTokens: (tokens: TokenResponse) => void;
  /** Forgets both tokens; `reason` is kept so the login page can explain what happened. */
  clear: (reason?: SignOutReason) => void;
  getSnapshot: () => SessionSnapshot;
  subscribe: (listener: () => void) => () => void;
}

interface TokenStoreOptions {
  storage: Storage;
  now?: () => number;
}

export function createTokenStore({ storage, now = Date.now }: TokenStoreOptions): TokenStore {
  let accessToken: string | null = null;
  let accessExpiresAt = 0;
  let snapshot: SessionSnapshot = { signedIn: readRefreshToken() !== null, signOutReason: null };
  const listeners = new Set<() => void>();

  function readRefreshToken(): string | null {
    try {
      return storage.getItem(REFRESH_TOKEN_KEY);
    } catch {
      return null;
    }
  }

  function publish(next: SessionSnapshot) {
    if (next.signedIn === snapshot.signedIn && next.signOutReason === snapshot.signOutReason) return;
    snapshot = next;
    for (const listener of listeners) listener();
  }

  return {
    getAccessToken: () => accessToken,
    accessTokenExpiresWithin: (marginMs) => accessToken === null || accessExpiresAt - now() <= marginMs,
    getRefreshToken: readRefreshToken,
    setTokens(tokens) {
      accessToken = tokens.access_token;
      accessExpiresAt = now() + tokens.expires_in * 1000;
      storage.setItem(REFRESH_TOKEN_KEY, tokens.refresh_token);
      publish({ signedIn: true, signOutReason: null });
    },
    clear(reason) {
      accessToken = null;
      accessExpiresAt = 0;
      storage.removeItem(REFRESH_TOKEN_KEY);
      publish({ signedIn: false, signOutReason: reason ?? null });
    },
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export const tokenStore = createTokenStore({ storage: window.localStorage });

// Another tab logged out (or its refresh was refused): this tab's session is over too.
window.addEventListener('storage', (event) => {
  if (event.key === REFRESH_TOKEN_KEY && event.newValue === null && tokenStore.getSnapshot().signedIn) {
    tokenStore.clear('expired');
  }
});
