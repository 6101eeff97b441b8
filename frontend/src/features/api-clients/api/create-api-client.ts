import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import { takeSecret, type ApiClientWithSecret, type RevealedSecret } from './secret';

export type CreateApiClientInput = Schemas['CreateApiClientRequest'];

/** The API never replays this response (it holds a secret), so it takes no idempotency key. */
export function createApiClient(input: CreateApiClientInput): Promise<ApiClientWithSecret> {
  return unwrap(apiClient.POST('/api/v1/api-clients', { body: input }));
}

export function useCreateApiClient({ onSecret }: { onSecret: (revealed: RevealedSecret) => void }) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['api-clients', 'create'],
    mutationFn: async (input: CreateApiClientInput) => takeSecret(await createApiClient(input), onSecret),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['api-clients'] }),
  });
}
