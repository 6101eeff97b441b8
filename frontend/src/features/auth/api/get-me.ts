import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type Me = Schemas['Me'];

export function getMe(): Promise<Me> {
  return unwrap(apiClient.GET('/api/v1/auth/me'));
}

export const meQueryOptions = () =>
  queryOptions({
    queryKey: ['auth', 'me'],
    queryFn: getMe,
    staleTime: 5 * 60_000,
  });

/**
 * The signed-in principal. Only for components under the protected layout, which loads
 * it before rendering them, so this never suspends there.
 */
export function useMe(): Me {
  return useSuspenseQuery(meQueryOptions()).data;
}
