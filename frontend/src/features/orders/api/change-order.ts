import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import { orderQueryKey, type Order } from './get-order';

export type CreateOrderInput = Schemas['CreateOrderRequest'];
export type LineRequest = Schemas['LineRequest'];
export type UpdateLineInput = Schemas['UpdateLineRequest'];

/** The order's version as the API's `If-Match`: a stale page gets 409 instead of overwriting. */
const ifMatch = (version: number) => ({ 'If-Match': `"${version}"` });

export function createOrder(input: CreateOrderInput, idempotencyKey: string): Promise<Order> {
  return unwrap(
    apiClient.POST('/api/v1/orders', { params: { header: { 'Idempotency-Key': idempotencyKey } }, body: input }),
  );
}

export function useCreateOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['orders', 'create'],
    mutationFn: ({ input, idempotencyKey }: { input: CreateOrderInput; idempotencyKey: string }) =>
      createOrder(input, idempotencyKey),
    onSuccess: (order) => {
      queryClient.setQueryData(orderQueryKey(order.id), order);
      void queryClient.invalidateQueries({ queryKey: ['orders', 'list'] });
    },
  });
}

/** Every change to an order, each answered with the whole order (lines, totals, check). */
export type OrderChange =
  | { kind: 'add-line'; line: LineRequest }
  | { kind: 'update-line'; lineId: number; changes: UpdateLineInput }
  | { kind: 'remove-line'; lineId: number }
  | { kind: 'submit' }
  | { kind: 'approve' | 'reject' | 'cancel'; reason: string };

export function changeOrder(order: Pick<Order, 'id' | 'version'>, change: OrderChange): Promise<Order> {
  const path = { id: order.id };
  const header = ifMatch(order.version);
  switch (change.kind) {
    case 'add-line':
      return unwrap(apiClient.POST('/api/v1/orders/{id}/lines', { params: { path, header }, body: change.line }));
    case 'update-line':
      return unwrap(
        apiClient.PATCH('/api/v1/orders/{id}/lines/{line_id}', {
          params: { path: { ...path, line_id: change.lineId }, header },
          body: change.changes,
        }),
      );
    case 'remove-line':
      return unwrap(
        apiClient.DELETE('/api/v1/orders/{id}/lines/{line_id}', {
          params: { path: { ...path, line_id: change.lineId }, header },
        }),
      );
    case 'submit':
      return unwrap(apiClient.POST('/api/v1/orders/{id}/submit', { params: { path, header } }));
    case 'approve':
      return unwrap(
        apiClient.POST('/api/v1/orders/{id}/approve', { params: { path, header }, body: { reason: change.reason } }),
      );
    case 'reject':
      return unwrap(
        apiClient.POST('/api/v1/orders/{id}/reject', { params: { path, header }, body: { reason: change.reason } }),
      );
    case 'cancel':
      return unwrap(
        apiClient.POST('/api/v1/orders/{id}/cancel', { params: { path, header }, body: { reason: change.reason } }),
      );
  }
}

/**
 * Changes an order and puts the server's answer (recomputed totals, new version) straight
 * into the cache. A version conflict reloads the order so the person sees what changed.
 */
export function useChangeOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['orders', 'change'],
    mutationFn: ({ order, change }: { order: Pick<Order, 'id' | 'version'>; change: OrderChange }) =>
      changeOrder(order, change),
    onSuccess: (order) => {
      queryClient.setQueryData(orderQueryKey(order.id), order);
      void queryClient.invalidateQueries({ queryKey: ['orders', 'list'] });
    },
    onError: (_error, { order }) => {
      void queryClient.invalidateQueries({ queryKey: orderQueryKey(order.id) });
    },
  });
}
