import { mutationOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import type { TaxRate } from './get-tax-rates';

export type CreateTaxRateInput = Schemas['CreateTaxRateRequest'];

export interface CreateTaxRateVariables {
  input: CreateTaxRateInput;
  idempotencyKey: string;
}

export function createTaxRate({ input, idempotencyKey }: CreateTaxRateVariables): Promise<TaxRate> {
  return unwrap(
    apiClient.POST('/api/v1/tax-rates', {
      params: { header: { 'Idempotency-Key': idempotencyKey } },
      body: input,
    }),
  );
}

export function useCreateTaxRate() {
  const queryClient = useQueryClient();
  return useMutation(
    mutationOptions({
      mutationKey: ['catalog', 'tax-rates', 'create'],
      mutationFn: createTaxRate,
      onSuccess: () => queryClient.invalidateQueries({ queryKey: ['catalog', 'tax-rates'] }),
    }),
  );
}
