import createClient from 'openapi-fetch';
import { createRefresher } from '@/lib/auth/refresh';
import { tokenStore } from '@/lib/auth/token-store';
import { createAuthMiddleware } from './auth-middleware';
import { toApiError } from './problem';
import type { paths } from './schema';

// Every API path already starts with /api, so the SPA's own origin is the base URL.
// openapi-fetch keeps the fetch it was given; looking globalThis.fetch up on each call
// lets tests replace it after this module has loaded.
const clientOptions = {
  baseUrl: window.location.origin,
  fetch: (request: Request) => globalThis.fetch(request),
};

/** Without the auth middleware: used for the refresh call itself. */
const sessionClient = createClient<paths>(clientOptions);

export const refreshSession = createRefresher(tokenStore, async (refreshToken) => {
  const { data, error, response } = await sessionClient.POST('/api/v1/auth/refresh', {
    body: { refresh_token: refreshToken },
  });
  if (data) return data;
  // The API refused this refresh token (unknown, revoked, expired or malformed).
  if (response.status === 400 || response.status === 401 || response.status === 422) return null;
  throw toApiError(error, response);
});

/** The typed API client every feature uses. */
export const apiClient = createClient<paths>(clientOptions);
apiClient.use(createAuthMiddleware({ store: tokenStore, refresh: refreshSession }));
