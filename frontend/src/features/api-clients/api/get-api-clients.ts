import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type ApiClient = Schemas['ApiClient'];
export type ApiClientPage = Schemas['ApiClientPage'];

const PAGE_SIZE = 50;

export function getApiClients(cursor: string | null): Promise<ApiClientPage> {
  return unwrap(
    apiClient.GET('/api/v1/api-clients', {
      params: { query: { limit: PAGE_SIZE, ...(cursor === null ? {} : { cursor }) } },
    }),
  );
}

export const apiClientsQueryOptions = () =>
  infiniteQueryOptions({
    queryKey: ['api-clients', 'list'],
    queryFn: ({ pageParam }) => getApiClients(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });

export function useApiClients() {
  return useInfiniteQuery(apiClientsQueryOptions());
}
