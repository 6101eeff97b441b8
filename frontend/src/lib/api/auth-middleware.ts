import type { Middleware } from 'openapi-fetch';
import type { TokenStore } from '@/lib/auth/token-store';

/**
 * Paths that authenticate by their body, not by a bearer token. Logout is one of them: it must
 * never trigger a refresh (it runs under the refresh lock), nor be retried after one (the retry
 * would send a refresh token the refresh just used up).
 */
const UNAUTHENTICATED = new Set(['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/logout']);
/** Refresh ahead of time when the access token has less than this left. */
const EXPIRY_MARGIN_MS = 10_000;

interface AuthMiddlewareOptions {
  store: TokenStore;
  refresh: () => Promise<string | null>;
}

/**
 * Adds `Authorization: Bearer …` to every API call and, when the API answers 401, refreshes
 * the session once (shared by concurrent calls) and sends the call again.
 */
export function createAuthMiddleware({ store, refresh }: AuthMiddlewareOptions): Middleware {
  // Copies of outgoing requests, kept until their response arrives so a 401 can be retried
  // (the original's body has been consumed by then).
  const retryable = new Map<string, Request>();

  const refreshQuietly = () => refresh().catch(() => null);

  return {
    async onRequest({ request, schemaPath, id }) {
      if (UNAUTHENTICATED.has(schemaPath)) return undefined;
      let token = store.getAccessToken();
      if (store.accessTokenExpiresWithin(EXPIRY_MARGIN_MS) && store.getRefreshToken() !== null) {
        token = (await refreshQuietly()) ?? token;
      }
      if (token !== null) request.headers.set('Authorization', `Bearer ${token}`);
      retryable.set(id, request.clone());
      return request;
    },

    async onResponse({ response, id, options }) {
      const original = retryable.get(id);
      retryable.delete(id);
      if (response.status !== 401 || original === undefined) return undefined;

      // If another call already refreshed while this one was in flight, use its token.
      let token = store.getAccessToken();
      if (token === null || original.headers.get('Authorization') === `Bearer ${token}`) {
        token = await refreshQuietly();
      }
      if (token === null) return response;

      original.headers.set('Authorization', `Bearer ${token}`);
      const retried = await options.fetch(original);
      // A fresh token that is still refused means the account can no longer use the API.
      if (retried.status === 401) store.clear('expired');
      return retried;
    },

    onError({ id }) {
      retryable.delete(id);
      return undefined;
    },
  };
}
