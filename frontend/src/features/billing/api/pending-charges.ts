import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type PendingCharge = Schemas['PendingCharge'];
export type NewPendingCharge = Schemas['NewPendingCharge'];

/** Charges waiting for the customer's next invoice. */
export function getPendingCharges(customerId: number): Promise<PendingCharge[]> {
  return unwrap(
    apiClient.GET('/api/v1/customers/{id}/pending-charges', { params: { path: { id: customerId } } }),
  ).then((list) => list.items);
}

const pendingChargesKey = (customerId: number) => ['customers', 'detail', customerId, 'pending-charges'] as const;

export const pendingChargesQueryOptions = (customerId: number) =>
  queryOptions({
    queryKey: pendingChargesKey(customerId),
    queryFn: () => getPendingCharges(customerId),
  });

export function usePendingCharges(customerId: number) {
  return useQuery(pendingChargesQueryOptions(customerId));
}

export function addPendingCharge(customerId: number, charge: NewPendingCharge, idempotencyKey: string): Promise<PendingCharge> {
  return unwrap(
    apiClient.POST('/api/v1/customers/{id}/pending-charges', {
      params: { path: { id: customerId }, header: { 'Idempotency-Key': idempotencyKey } },
      body: charge,
    }),
  );
}

export function useAddPendingCharge(customerId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['customers', 'pending-charges', 'add', customerId],
    mutationFn: ({ charge, idempotencyKey }: { charge: NewPendingCharge; idempotencyKey: string }) =>
      addPendingCharge(customerId, charge, idempotencyKey),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: pendingChargesKey(customerId) }),
  });
}
