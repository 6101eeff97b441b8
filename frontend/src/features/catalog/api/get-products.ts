import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type Product = Schemas['Product'];
export type ProductPage = Schemas['ProductPage'];
export type ProductVersion = Schemas['ProductVersion'];
export type ProductKind = Schemas['ProductKind'];

const PAGE_SIZE = 100;

export function getProducts(includeRetired: boolean, cursor: string | null): Promise<ProductPage> {
  return unwrap(
    apiClient.GET('/api/v1/products', {
      params: {
        query: { limit: PAGE_SIZE, include_retired: includeRetired, ...(cursor === null ? {} : { cursor }) },
      },
    }),
  );
}

export const productsQueryOptions = (includeRetired: boolean) =>
  infiniteQueryOptions({
    queryKey: ['catalog', 'products', 'list', { includeRetired }],
    queryFn: ({ pageParam }) => getProducts(includeRetired, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });

/** Products by id, with the version each sells at now; retired ones only when asked. */
export function useProducts(includeRetired = false) {
  return useInfiniteQuery(productsQueryOptions(includeRetired));
}
