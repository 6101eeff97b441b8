import { mutationOptions, useMutation } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import { tokenStore } from '@/lib/auth/token-store';

/**
 * Revokes the refresh token on the server, then forgets both tokens here. The local
 * session ends even when the server cannot be told: a person who clicked "Log out" must
 * not stay logged in on this device.
 */
export async function logout(): Promise<void> {
  const refreshToken = tokenStore.getRefreshToken();
  try {
    if (refreshToken !== null) {
      await unwrap(apiClient.POST('/api/v1/auth/logout', { body: { refresh_token: refreshToken } }));
    }
  } finally {
    tokenStore.clear('logout');
  }
}

export const logoutMutationOptions = () =>
  mutationOptions({
    mutationKey: ['auth', 'logout'],
    mutationFn: logout,
  });

export function useLogout() {
  return useMutation(logoutMutationOptions());
}
