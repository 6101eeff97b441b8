import type { TokenResponse } from '@/lib/api/types';
import type { TokenStore } from './token-store';

/** Sends the refresh token; resolves to null when the API refuses it (invalid, revoked, expired). */
export type RefreshRequest = (refreshToken: string) => Promise<TokenResponse | null>;

/** Runs `task` while holding a lock shared by every tab of this origin, where the browser has one. */
export type WithLock = <T>(task: () => Promise<T>) => Promise<T>;

export const browserLock: WithLock = async (task) =>
  typeof navigator !== 'undefined' && 'locks' in navigator
    ? await navigator.locks.request('ispbill.refresh', task)
    : await task();

/**
 * Returns a single-flight refresh: callers that arrive while a refresh is running share it,
 * because the refresh token rotates and a second use of the old one would be refused.
 *
 * Resolves to the new access token, or to null when there is no session or the API refused
 * the refresh (then the session is cleared). A network or server failure rejects and keeps
 * the session, so a blip does not log anyone out.
 */
export function createRefresher(
  store: TokenStore,
  requestRefresh: RefreshRequest,
  withLock: WithLock = browserLock,
): () => Promise<string | null> {
  let inFlight: Promise<string | null> | null = null;

  async function run(): Promise<string | null> {
    // Read the token inside the lock: another tab may have rotated it while we waited.
    return withLock(async () => {
      const refreshToken = store.getRefreshToken();
      if (refreshToken === null) return null;
      const tokens = await requestRefresh(refreshToken);
      if (tokens === null) {
        store.clear('expired');
        return null;
      }
      store.setTokens(tokens);
      return tokens.access_token;
    });
  }

  return () => {
    inFlight ??= run().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}
