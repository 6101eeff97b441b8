import { useMutation } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type Credentials = Schemas['Credentials'];

/** Each read is audited, so it is asked for on purpose (a mutation) and never kept in the query cache. */
export function getCredentials(subscriptionId: number): Promise<Credentials> {
  return unwrap(apiClient.GET('/api/v1/subscriptions/{id}/credentials', { params: { path: { id: subscriptionId } } }));
}

export function useRevealCredentials() {
  return useMutation({ mutationKey: ['subscriptions', 'credentials'], mutationFn: getCredentials, gcTime: 0 });
}
