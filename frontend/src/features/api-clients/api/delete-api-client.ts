import { mutationOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';

/** Deletes a client; its secret stops working at once. */
export async function deleteApiClient(id: number): Promise<void> {
  await unwrap(apiClient.DELETE('/api/v1/api-clients/{id}', { params: { path: { id } } }));
}

export function useDeleteApiClient() {
  const queryClient = useQueryClient();
  return useMutation(
    mutationOptions({
      mutationKey: ['api-clients', 'delete'],
      mutationFn: deleteApiClient,
      onSuccess: () => queryClient.invalidateQueries({ queryKey: ['api-clients'] }),
    }),
  );
}
