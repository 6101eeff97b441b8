import { mutationOptions, useMutation } from '@tanstack/react-query';
import { session } from '@/lib/api/client';

/**
 * Revokes the refresh token on the server, then forgets both tokens here. The local
 * session ends even when the server cannot be told: a person who clicked "Log out" must
 * not stay logged in on this device. Runs under the same lock as refreshes, so a refresh
 * in flight (in this tab or another) cannot bring the session back afterwards.
 */
export function logout(): Promise<void> {
  return session.logout();
}

export const logoutMutationOptions = () =>
  mutationOptions({
    mutationKey: ['auth', 'logout'],
    mutationFn: logout,
  });

export function useLogout() {
  return useMutation(logoutMutationOptions());
}
