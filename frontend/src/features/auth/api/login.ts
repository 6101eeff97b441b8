import { mutationOptions, useMutation } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas, TokenResponse } from '@/lib/api/types';
import { tokenStore } from '@/lib/auth/token-store';

export type LoginInput = Schemas['LoginRequest'];

export function login(body: LoginInput): Promise<TokenResponse> {
  return unwrap(apiClient.POST('/api/v1/auth/login', { body }));
}

export const loginMutationOptions = () =>
  mutationOptions({
    mutationKey: ['auth', 'login'],
    mutationFn: login,
    onSuccess: (tokens) => tokenStore.setTokens(tokens),
  });

export function useLogin() {
  return useMutation(loginMutationOptions());
}
