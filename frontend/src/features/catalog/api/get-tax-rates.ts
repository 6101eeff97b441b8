import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type TaxRate = Schemas['TaxRate'];
export type TaxRatePage = Schemas['TaxRatePage'];

export function getTaxRates(cursor: string | null): Promise<TaxRatePage> {
  return unwrap(
    apiClient.GET('/api/v1/tax-rates', {
      params: { query: { limit: 100, ...(cursor === null ? {} : { cursor }) } },
    }),
  );
}

export const taxRatesQueryOptions = () =>
  infiniteQueryOptions({
    queryKey: ['catalog', 'tax-rates', 'list'],
    queryFn: ({ pageParam }) => getTaxRates(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });

export function useTaxRates() {
  return useInfiniteQuery(taxRatesQueryOptions());
}
