import { mutationOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import type { ProductVersion } from './get-products';

export type CreateVersionInput = Schemas['CreateVersionRequest'];

export interface AddProductVersionVariables {
  productId: number;
  input: CreateVersionInput;
  idempotencyKey: string;
}

/** A price change: a new version numbered previous + 1. */
export function addProductVersion({
  productId,
  input,
  idempotencyKey,
}: AddProductVersionVariables): Promise<ProductVersion> {
  return unwrap(
    apiClient.POST('/api/v1/products/{id}/versions', {
      params: { path: { id: productId }, header: { 'Idempotency-Key': idempotencyKey } },
      body: input,
    }),
  );
}

export function useAddProductVersion() {
  const queryClient = useQueryClient();
  return useMutation(
    mutationOptions({
      mutationKey: ['catalog', 'products', 'add-version'],
      mutationFn: addProductVersion,
      onSuccess: () => queryClient.invalidateQueries({ queryKey: ['catalog', 'products'] }),
    }),
  );
}
