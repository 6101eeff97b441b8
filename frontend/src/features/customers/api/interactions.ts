import {
  infiniteQueryOptions,
  mutationOptions,
  useInfiniteQuery,
  useMutation,
  useQueryClient,
} from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type Interaction = Schemas['Interaction'];
export type InteractionPage = Schemas['InteractionPage'];
export type CreateInteractionInput = Schemas['CreateInteractionRequest'];

const PAGE_SIZE = 20;

export function getInteractions(customerId: number, cursor: string | null): Promise<InteractionPage> {
  return unwrap(
    apiClient.GET('/api/v1/customers/{id}/interactions', {
      params: { path: { id: customerId }, query: { limit: PAGE_SIZE, ...(cursor === null ? {} : { cursor }) } },
    }),
  );
}

export const interactionsQueryOptions = (customerId: number) =>
  infiniteQueryOptions({
    queryKey: ['customers', 'detail', customerId, 'interactions'],
    queryFn: ({ pageParam }) => getInteractions(customerId, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });

/** A customer's interactions (with those of the leads it came from), newest first. */
export function useInteractions(customerId: number) {
  return useInfiniteQuery(interactionsQueryOptions(customerId));
}

export interface LogInteractionVariables {
  customerId: number;
  input: CreateInteractionInput;
  idempotencyKey: string;
}

export function logInteraction({ customerId, input, idempotencyKey }: LogInteractionVariables): Promise<Interaction> {
  return unwrap(
    apiClient.POST('/api/v1/customers/{id}/interactions', {
      params: { path: { id: customerId }, header: { 'Idempotency-Key': idempotencyKey } },
      body: input,
    }),
  );
}

export function useLogInteraction() {
  const queryClient = useQueryClient();
  return useMutation(
    mutationOptions({
      mutationKey: ['customers', 'interactions', 'log'],
      mutationFn: logInteraction,
      onSuccess: (_, { customerId }) =>
        queryClient.invalidateQueries({ queryKey: ['customers', 'detail', customerId, 'interactions'] }),
    }),
  );
}
