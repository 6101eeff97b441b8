import { mutationOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import type { Promotion } from './get-promotions';

export type CreatePromotionInput = Schemas['CreatePromotionRequest'];

export interface CreatePromotionVariables {
  input: CreatePromotionInput;
  idempotencyKey: string;
}

export function createPromotion({ input, idempotencyKey }: CreatePromotionVariables): Promise<Promotion> {
  return unwrap(
    apiClient.POST('/api/v1/promotions', {
      params: { header: { 'Idempotency-Key': idempotencyKey } },
      body: input,
    }),
  );
}

export function useCreatePromotion() {
  const queryClient = useQueryClient();
  return useMutation(
    mutationOptions({
      mutationKey: ['catalog', 'promotions', 'create'],
      mutationFn: createPromotion,
      onSuccess: () => queryClient.invalidateQueries({ queryKey: ['catalog', 'promotions'] }),
    }),
  );
}
