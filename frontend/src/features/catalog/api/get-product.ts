import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type ProductDetail = Schemas['ProductDetail'];

export function getProduct(id: number): Promise<ProductDetail> {
  return unwrap(apiClient.GET('/api/v1/products/{id}', { params: { path: { id } } }));
}

export const productQueryOptions = (id: number) =>
  queryOptions({
    queryKey: ['catalog', 'products', 'detail', id],
    queryFn: () => getProduct(id),
  });

/** One product with its whole price history (newest version first). */
export function useProduct(id: number | null) {
  return useQuery({ ...productQueryOptions(id ?? 0), enabled: id !== null });
}
