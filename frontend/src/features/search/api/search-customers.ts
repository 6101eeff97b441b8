import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type SearchResults = Schemas['SearchResults'];
export type CustomerHit = Schemas['CustomerHit'];

/** The server refuses shorter terms: they would match half the customers. */
export const MIN_TERM_LENGTH = 2;

export function searchCustomers(q: string, signal?: AbortSignal): Promise<SearchResults> {
  return unwrap(apiClient.GET('/api/v1/search', { params: { query: { q, limit: 10 } }, signal }));
}

export const searchQueryOptions = (q: string) =>
  queryOptions({
    queryKey: ['search', q],
    queryFn: ({ signal }) => searchCustomers(q, signal),
    staleTime: 10_000,
  });

/** Results for a (debounced) term; idle until it is long enough. */
export function useCustomerSearch(term: string) {
  const q = term.trim();
  return useQuery({
    ...searchQueryOptions(q),
    enabled: q.length >= MIN_TERM_LENGTH,
    placeholderData: keepPreviousData,
  });
}
