import { mutationOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import type { ApiClient } from './get-api-clients';

export type UpdateApiClientInput = Schemas['UpdateApiClientRequest'];

export interface UpdateApiClientVariables {
  id: number;
  /** Only the fields to change. */
  changes: UpdateApiClientInput;
}

export function updateApiClient({ id, changes }: UpdateApiClientVariables): Promise<ApiClient> {
  return unwrap(apiClient.PATCH('/api/v1/api-clients/{id}', { params: { path: { id } }, body: changes }));
}

export function useUpdateApiClient() {
  const queryClient = useQueryClient();
  return useMutation(
    mutationOptions({
      mutationKey: ['api-clients', 'update'],
      mutationFn: updateApiClient,
      onSuccess: () => queryClient.invalidateQueries({ queryKey: ['api-clients'] }),
    }),
  );
}
