import createClient from 'openapi-fetch';
import { createSession } from '@/lib/auth/refresh';
import { tokenStore } from '@/lib/auth/token-store';
import { createAuthMiddleware } from './auth-middleware';
import { toApiError, unwrap } from './problem';
import type { paths } from './schema';

// Every API path already starts with /api, so the SPA's own origin is the base URL.
// openapi-fetch keeps the fetch it was given; looking globalThis.fetch up on each call
// lets tests replace it after this module has loaded.
const clientOptions = {
  baseUrl: window.location.origin,
  fetch: (request: Request) => globalThis.fetch(request),
};

/** Without the auth middleware: used for refresh and logout, which run under the session lock. */
const sessionClient = createClient<paths>(clientOptions);

/** Refresh and logout, serialised across tabs so a rotated refresh token is never sent twice. */
export const session = createSession(tokenStore, {
  async refresh(refreshToken) {
    const { data, error, response } = await sessionClient.POST('/api/v1/auth/refresh', {
      body: { refresh_token: refreshToken },
    });
    if (data) return data;
    // The API refused this refresh token (unknown, revoked, expired or malformed).
    if (response.status === 400 || response.status === 401 || response.status === 422) return null;
    throw toApiError(error, response);
  },
  async logout(refreshToken) {
    // The refresh token is the credential: no bearer token (and so no refresh) is needed.
    await unwrap(sessionClient.POST('/api/v1/auth/logout', { body: { refresh_token: refreshToken } }));
  },
});

export const refreshSession = session.refresh;

/** The typed API client every feature uses. */
export const apiClient = createClient<paths>(clientOptions);
apiClient.use(createAuthMiddleware({ store: tokenStore, refresh: refreshSession }));
