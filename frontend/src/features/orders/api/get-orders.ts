import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type OrderListItem = Schemas['OrderListItem'];
export type OrderPage = Schemas['OrderPage'];
export type OrderStatus = Schemas['OrderStatus'];

const PAGE_SIZE = 50;

export function getOrders(statuses: readonly OrderStatus[], cursor: string | null): Promise<OrderPage> {
  return unwrap(
    apiClient.GET('/api/v1/orders', {
      params: {
        query: {
          limit: PAGE_SIZE,
          ...(statuses.length > 0 ? { status: [...statuses] } : {}),
          ...(cursor === null ? {} : { cursor }),
        },
      },
    }),
  );
}

export const ordersQueryOptions = (statuses: readonly OrderStatus[]) =>
  infiniteQueryOptions({
    queryKey: ['orders', 'list', [...statuses].sort()],
    queryFn: ({ pageParam }) => getOrders(statuses, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });

export function useOrders(statuses: readonly OrderStatus[]) {
  return useInfiniteQuery(ordersQueryOptions(statuses));
}
