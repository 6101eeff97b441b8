import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import { billRunQueryKey, type BillRun } from './get-bill-runs';

export type BillRunRequest = Schemas['BillRunRequest'];

/** Queue a bill run; the worker starts it at once (202: follow it with `GET /bill-runs/{id}`). */
export function createBillRun(request: BillRunRequest, idempotencyKey: string): Promise<BillRun> {
  return unwrap(
    apiClient.POST('/api/v1/bill-runs', {
      params: { header: { 'Idempotency-Key': idempotencyKey } },
      body: request,
    }),
  );
}

export function useCreateBillRun() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['bill-runs', 'create'],
    mutationFn: ({ request, idempotencyKey }: { request: BillRunRequest; idempotencyKey: string }) =>
      createBillRun(request, idempotencyKey),
    onSuccess: (run) => {
      queryClient.setQueryData(billRunQueryKey(run.id), run);
      return queryClient.invalidateQueries({ queryKey: ['bill-runs', 'list'] });
    },
  });
}

/** Issue every draft of a completed draft run (status `issuing`, then `completed`). */
export function issueBillRun(id: number, idempotencyKey: string): Promise<BillRun> {
  return unwrap(
    apiClient.POST('/api/v1/bill-runs/{id}/issue', {
      params: { path: { id }, header: { 'Idempotency-Key': idempotencyKey } },
    }),
  );
}

export function useIssueBillRun(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['bill-runs', 'issue', id],
    mutationFn: (idempotencyKey: string) => issueBillRun(id, idempotencyKey),
    onSuccess: (run) => queryClient.setQueryData(billRunQueryKey(id), run),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['bill-runs'] }),
        queryClient.invalidateQueries({ queryKey: ['invoices'] }),
      ]),
  });
}
