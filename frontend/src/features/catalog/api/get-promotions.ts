import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type Promotion = Schemas['Promotion'];
export type PromotionPage = Schemas['PromotionPage'];

export function getPromotions(cursor: string | null): Promise<PromotionPage> {
  return unwrap(
    apiClient.GET('/api/v1/promotions', {
      params: { query: { limit: 100, ...(cursor === null ? {} : { cursor }) } },
    }),
  );
}

export const promotionsQueryOptions = () =>
  infiniteQueryOptions({
    queryKey: ['catalog', 'promotions', 'list'],
    queryFn: ({ pageParam }) => getPromotions(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });

export function usePromotions() {
  return useInfiniteQuery(promotionsQueryOptions());
}
