import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import { takeSecret, type ApiClientWithSecret, type RevealedSecret } from './secret';

/** Issues a new secret; the old one stops working at once. */
export function rotateApiClientSecret(id: number): Promise<ApiClientWithSecret> {
  return unwrap(apiClient.POST('/api/v1/api-clients/{id}/rotate-secret', { params: { path: { id } } }));
}

export function useRotateApiClientSecret({ onSecret }: { onSecret: (revealed: RevealedSecret) => void }) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['api-clients', 'rotate-secret'],
    mutationFn: async (id: number) => takeSecret(await rotateApiClientSecret(id), onSecret),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['api-clients'] }),
  });
}
