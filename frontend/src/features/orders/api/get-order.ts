import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type Order = Schemas['Order'];
export type OrderLine = Schemas['OrderLine'];
export type CreditCheck = Schemas['CreditCheck'];
export type SellableProduct = Schemas['SellableProductItem'];

export const orderQueryKey = (id: number) => ['orders', 'detail', id] as const;

export function getOrder(id: number): Promise<Order> {
  return unwrap(apiClient.GET('/api/v1/orders/{id}', { params: { path: { id } } }));
}

export const orderQueryOptions = (id: number) => queryOptions({ queryKey: orderQueryKey(id), queryFn: () => getOrder(id) });

export function useOrder(id: number) {
  return useQuery(orderQueryOptions(id));
}

export function getSellableProducts(id: number): Promise<SellableProduct[]> {
  return unwrap(apiClient.GET('/api/v1/orders/{id}/sellable-products', { params: { path: { id } } })).then(
    (list) => list.items,
  );
}

/** What the agent can put on this order now, priced for its customer. */
export function useSellableProducts(id: number, enabled: boolean) {
  return useQuery({
    queryKey: ['orders', 'sellable-products', id],
    queryFn: () => getSellableProducts(id),
    enabled,
    staleTime: 60_000,
  });
}
