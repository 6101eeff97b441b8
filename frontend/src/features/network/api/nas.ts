import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type Nas = Schemas['Nas'];
export type CreateNasInput = Schemas['CreateNasRequest'];
export type UpdateNasInput = Schemas['UpdateNasRequest'];

const NAS_KEY = ['network', 'nas'] as const;

export function getNasList(): Promise<Nas[]> {
  return unwrap(apiClient.GET('/api/v1/nas')).then((list) => list.items);
}

export const nasListQueryOptions = () => queryOptions({ queryKey: NAS_KEY, queryFn: getNasList });

export function useNasList() {
  return useQuery(nasListQueryOptions());
}

/** The secret goes to the API and nowhere else: the answer never carries it. */
export function createNas(input: CreateNasInput): Promise<Nas> {
  return unwrap(apiClient.POST('/api/v1/nas', { body: input }));
}

export function updateNas({ id, changes }: { id: number; changes: UpdateNasInput }): Promise<Nas> {
  return unwrap(apiClient.PATCH('/api/v1/nas/{id}', { params: { path: { id } }, body: changes }));
}

export function deleteNas(id: number): Promise<void> {
  return unwrap(apiClient.DELETE('/api/v1/nas/{id}', { params: { path: { id } } })).then(() => undefined);
}

function useNasMutation<V, R>(key: string, fn: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['network', 'nas', key],
    mutationFn: fn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: NAS_KEY }),
  });
}

export const useCreateNas = () => useNasMutation('create', createNas);
export const useUpdateNas = () => useNasMutation('update', updateNas);
export const useDeleteNas = () => useNasMutation('delete', deleteNas);
