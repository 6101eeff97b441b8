import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type Session = Schemas['Session'];

export function getSessions(subscriptionId: number): Promise<Session[]> {
  return unwrap(
    apiClient.GET('/api/v1/subscriptions/{id}/sessions', { params: { path: { id: subscriptionId } } }),
  ).then((list) => list.items);
}

export const sessionsQueryOptions = (subscriptionId: number) =>
  queryOptions({
    queryKey: ['subscriptions', subscriptionId, 'sessions'],
    queryFn: () => getSessions(subscriptionId),
    // Counters of open sessions move with every accounting update.
    staleTime: 10_000,
  });

export function useSessions(subscriptionId: number) {
  return useQuery(sessionsQueryOptions(subscriptionId));
}
