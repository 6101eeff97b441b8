import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type CustomerOverview = Schemas['CustomerOverview'];

export function getOverview(id: number): Promise<CustomerOverview> {
  return unwrap(apiClient.GET('/api/v1/customers/{id}/overview', { params: { path: { id } } }));
}

/** Everything on the 360° page; other features invalidate `['customers', id]` after a change. */
export const overviewQueryOptions = (id: number) =>
  queryOptions({
    queryKey: ['customers', 'detail', id, 'overview'],
    queryFn: () => getOverview(id),
  });

export function useOverview(id: number) {
  return useQuery(overviewQueryOptions(id));
}
