import { mutationOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import type { User } from './get-users';

export type CreateUserInput = Schemas['CreateUserRequest'];

export interface CreateUserVariables {
  input: CreateUserInput;
  /** One key per opened form: a double submit or a retry cannot create two users. */
  idempotencyKey: string;
}

export function createUser({ input, idempotencyKey }: CreateUserVariables): Promise<User> {
  return unwrap(
    apiClient.POST('/api/v1/users', {
      params: { header: { 'Idempotency-Key': idempotencyKey } },
      body: input,
    }),
  );
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation(
    mutationOptions({
      mutationKey: ['users', 'create'],
      mutationFn: createUser,
      onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
    }),
  );
}
