import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import { isRunActive, RUN_POLL_MS } from '../progress';

export type BillRun = Schemas['BillRun'];
export type BillRunPage = Schemas['BillRunPage'];
export type BillRunErrorPage = Schemas['BillRunErrorPage'];

export function getBillRuns(limit: number, cursor: string | null): Promise<BillRunPage> {
  return unwrap(
    apiClient.GET('/api/v1/bill-runs', { params: { query: { limit, ...(cursor === null ? {} : { cursor }) } } }),
  );
}

/** Newest first; asked again every few seconds while a run on the page is still moving. */
export const billRunsQueryOptions = () =>
  infiniteQueryOptions({
    queryKey: ['bill-runs', 'list'],
    queryFn: ({ pageParam }) => getBillRuns(20, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.items.some((run) => isRunActive(run.status))) === true ? 3000 : false,
  });

export function useBillRuns() {
  return useInfiniteQuery(billRunsQueryOptions());
}

export function getBillRun(id: number): Promise<BillRun> {
  return unwrap(apiClient.GET('/api/v1/bill-runs/{id}', { params: { path: { id } } }));
}

export const billRunQueryKey = (id: number) => ['bill-runs', 'detail', id] as const;

/** One run; asked every second while it is queued, running or issuing. */
export const billRunQueryOptions = (id: number) =>
  queryOptions({
    queryKey: billRunQueryKey(id),
    queryFn: () => getBillRun(id),
    refetchInterval: (query) => (query.state.data !== undefined && isRunActive(query.state.data.status) ? RUN_POLL_MS : false),
  });

export function useBillRun(id: number) {
  return useQuery(billRunQueryOptions(id));
}

export function getBillRunErrors(id: number, limit: number, cursor: string | null): Promise<BillRunErrorPage> {
  return unwrap(
    apiClient.GET('/api/v1/bill-runs/{id}/errors', {
      params: { path: { id }, query: { limit, ...(cursor === null ? {} : { cursor }) } },
    }),
  );
}

/** The customers a run could not bill, oldest first. */
export const billRunErrorsQueryOptions = (id: number) =>
  infiniteQueryOptions({
    queryKey: ['bill-runs', 'errors', id],
    queryFn: ({ pageParam }) => getBillRunErrors(id, 50, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });

export function useBillRunErrors(id: number, enabled: boolean) {
  return useInfiniteQuery({ ...billRunErrorsQueryOptions(id), enabled });
}
