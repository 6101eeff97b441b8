import { useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';

/**
 * A job names its subscription only; the customer it belongs to is looked up when someone
 * wants to go there (one request per subscription, kept for the session).
 */
export function useFindCustomerOfSubscription() {
  const queryClient = useQueryClient();
  return (subscriptionId: number): Promise<number> =>
    queryClient
      .fetchQuery({
        queryKey: ['subscriptions', subscriptionId, 'customer'],
        queryFn: () =>
          unwrap(apiClient.GET('/api/v1/subscriptions/{id}', { params: { path: { id: subscriptionId } } })).then(
            (s) => s.customer_id,
          ),
        staleTime: Infinity,
      });
}
