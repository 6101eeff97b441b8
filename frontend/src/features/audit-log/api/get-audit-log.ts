import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import type { AuditQuery } from '../filters';

export type AuditEntry = Schemas['AuditEntry'];
export type AuditEntryPage = Schemas['AuditEntryPage'];

const PAGE_SIZE = 50;

export function getAuditLog(query: AuditQuery, cursor: string | null): Promise<AuditEntryPage> {
  return unwrap(
    apiClient.GET('/api/v1/audit-log', {
      params: { query: { ...query, limit: PAGE_SIZE, ...(cursor === null ? {} : { cursor }) } },
    }),
  );
}

export const auditLogQueryOptions = (query: AuditQuery) =>
  infiniteQueryOptions({
    queryKey: ['audit-log', 'list', query],
    queryFn: ({ pageParam }) => getAuditLog(query, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });

/** Newest first; the log only grows, so a visit shows what is there now. */
export function useAuditLog(query: AuditQuery) {
  return useInfiniteQuery({ ...auditLogQueryOptions(query), staleTime: 0 });
}
