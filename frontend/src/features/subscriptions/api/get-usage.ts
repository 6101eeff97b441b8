import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type SubscriptionUsage = Schemas['SubscriptionUsage'];

export function getUsage(subscriptionId: number): Promise<SubscriptionUsage> {
  return unwrap(
    apiClient.GET('/api/v1/subscriptions/{id}/usage', { params: { path: { id: subscriptionId } } }),
  );
}

export const usageQueryOptions = (subscriptionId: number) =>
  queryOptions({
    queryKey: ['subscriptions', subscriptionId, 'usage'],
    queryFn: () => getUsage(subscriptionId),
    // The poller adds usage every few seconds at most; a minute old is fresh enough.
    staleTime: 60_000,
  });

export function useUsage(subscriptionId: number) {
  return useQuery(usageQueryOptions(subscriptionId));
}
