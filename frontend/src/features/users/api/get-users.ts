import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type User = Schemas['User'];
export type UserPage = Schemas['UserPage'];

const PAGE_SIZE = 50;

export function getUsers(cursor: string | null): Promise<UserPage> {
  return unwrap(
    apiClient.GET('/api/v1/users', {
      params: { query: { limit: PAGE_SIZE, ...(cursor === null ? {} : { cursor }) } },
    }),
  );
}

export const usersQueryOptions = () =>
  infiniteQueryOptions({
    queryKey: ['users', 'list'],
    queryFn: ({ pageParam }) => getUsers(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });

export function useUsers() {
  return useInfiniteQuery(usersQueryOptions());
}
