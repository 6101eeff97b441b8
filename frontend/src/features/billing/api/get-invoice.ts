import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type Invoice = Schemas['Invoice'];
export type InvoiceLine = Schemas['InvoiceLine'];

/** An invoice with its lines (each explained), tax per rate and credit notes. */
export function getInvoice(id: number): Promise<Invoice> {
  return unwrap(apiClient.GET('/api/v1/invoices/{id}', { params: { path: { id } } }));
}

export const invoiceQueryKey = (id: number) => ['invoices', 'detail', id] as const;

export const invoiceQueryOptions = (id: number) =>
  queryOptions({
    queryKey: invoiceQueryKey(id),
    queryFn: () => getInvoice(id),
  });

export function useInvoice(id: number) {
  return useQuery(invoiceQueryOptions(id));
}

/**
 * The invoice's ETag is its version: a command carries the version the person saw as
 * `If-Match`, so acting on a stale page gets 409 `version_conflict` instead of a surprise.
 */
export const ifMatch = (version: number) => ({ 'If-Match': `"${version}"` });
