import { mutationOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import type { User } from './get-users';

export type UpdateUserInput = Schemas['UpdateUserRequest'];

export interface UpdateUserVariables {
  id: number;
  /** Only the fields to change. */
  changes: UpdateUserInput;
}

export function updateUser({ id, changes }: UpdateUserVariables): Promise<User> {
  return unwrap(apiClient.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: changes }));
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation(
    mutationOptions({
      mutationKey: ['users', 'update'],
      mutationFn: updateUser,
      onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
    }),
  );
}
