import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type Subscription = Schemas['Subscription'];

export function getCustomerSubscriptions(customerId: number): Promise<Subscription[]> {
  return unwrap(
    apiClient.GET('/api/v1/customers/{id}/subscriptions', { params: { path: { id: customerId } } }),
  ).then((list) => list.items);
}

/** Under the customer's key, so invalidating `['customers', 'detail', id]` reloads it with the overview. */
export const subscriptionsQueryKey = (customerId: number) => ['customers', 'detail', customerId, 'subscriptions'] as const;

/** While a provisioning job is on its way to the network, ask again every second. */
export const POLL_WHILE_APPLYING_MS = 1000;

export const subscriptionsQueryOptions = (customerId: number) =>
  queryOptions({
    queryKey: subscriptionsQueryKey(customerId),
    queryFn: () => getCustomerSubscriptions(customerId),
    refetchInterval: (query) =>
      query.state.data?.some((s) => s.open_jobs > 0) === true ? POLL_WHILE_APPLYING_MS : false,
  });

export function useCustomerSubscriptions(customerId: number) {
  return useQuery(subscriptionsQueryOptions(customerId));
}
