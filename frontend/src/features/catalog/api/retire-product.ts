import { mutationOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { ProductDetail } from './get-product';

/** No new sales from now on; retiring twice changes nothing. */
export function retireProduct(id: number): Promise<ProductDetail> {
  return unwrap(apiClient.POST('/api/v1/products/{id}/retire', { params: { path: { id } } }));
}

export function useRetireProduct() {
  const queryClient = useQueryClient();
  return useMutation(
    mutationOptions({
      mutationKey: ['catalog', 'products', 'retire'],
      mutationFn: retireProduct,
      onSuccess: () => queryClient.invalidateQueries({ queryKey: ['catalog', 'products'] }),
    }),
  );
}
