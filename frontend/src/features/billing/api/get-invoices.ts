import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import type { InvoiceQuery } from '../filters';

export type InvoiceSummary = Schemas['InvoiceSummary'];
export type InvoicePage = Schemas['InvoicePage'];

export function getInvoices(query: InvoiceQuery, limit: number, cursor: string | null): Promise<InvoicePage> {
  return unwrap(
    apiClient.GET('/api/v1/invoices', {
      params: { query: { ...query, limit, ...(cursor === null ? {} : { cursor }) } },
    }),
  );
}

/** Newest first, page by page. */
export const invoicesQueryOptions = (query: InvoiceQuery, limit = 50) =>
  infiniteQueryOptions({
    queryKey: ['invoices', 'list', query, limit],
    queryFn: ({ pageParam }) => getInvoices(query, limit, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });

export function useInvoices(query: InvoiceQuery, limit?: number) {
  return useInfiniteQuery(invoicesQueryOptions(query, limit));
}
