import { mutationOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import type { ProductDetail } from './get-product';

export type CreateProductInput = Schemas['CreateProductRequest'];

export interface CreateProductVariables {
  input: CreateProductInput;
  /** One key per opened form: a double submit cannot create two products. */
  idempotencyKey: string;
}

export function createProduct({ input, idempotencyKey }: CreateProductVariables): Promise<ProductDetail> {
  return unwrap(
    apiClient.POST('/api/v1/products', {
      params: { header: { 'Idempotency-Key': idempotencyKey } },
      body: input,
    }),
  );
}

export function useCreateProduct() {
  const queryClient = useQueryClient();
  return useMutation(
    mutationOptions({
      mutationKey: ['catalog', 'products', 'create'],
      mutationFn: createProduct,
      onSuccess: () => queryClient.invalidateQueries({ queryKey: ['catalog', 'products'] }),
    }),
  );
}
