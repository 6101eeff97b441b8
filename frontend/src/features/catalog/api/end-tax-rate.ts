import { mutationOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { TaxRate } from './get-tax-rates';

export interface EndTaxRateVariables {
  rate: TaxRate;
  /** The first day the rate no longer applies (YYYY-MM-DD). */
  validTo: string;
}

/** Sets the end of a rate, refused (409 `version_conflict`) if someone changed it since it was read. */
export function endTaxRate({ rate, validTo }: EndTaxRateVariables): Promise<TaxRate> {
  return unwrap(
    apiClient.PATCH('/api/v1/tax-rates/{id}', {
      params: { path: { id: rate.id }, header: { 'If-Match': `"${rate.version}"` } },
      body: { valid_to: validTo },
    }),
  );
}

export function useEndTaxRate() {
  const queryClient = useQueryClient();
  return useMutation(
    mutationOptions({
      mutationKey: ['catalog', 'tax-rates', 'end'],
      mutationFn: endTaxRate,
      onSuccess: () => queryClient.invalidateQueries({ queryKey: ['catalog', 'tax-rates'] }),
    }),
  );
}
