import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type IpPool = Schemas['IpPool'];
export type CreateIpPoolInput = Schemas['CreateIpPoolRequest'];

const POOLS_KEY = ['network', 'ip-pools'] as const;

export function getIpPools(): Promise<IpPool[]> {
  return unwrap(apiClient.GET('/api/v1/ip-pools')).then((list) => list.items);
}

export const ipPoolsQueryOptions = () => queryOptions({ queryKey: POOLS_KEY, queryFn: getIpPools });

export function useIpPools() {
  return useQuery(ipPoolsQueryOptions());
}

export function createIpPool(input: CreateIpPoolInput): Promise<IpPool> {
  return unwrap(apiClient.POST('/api/v1/ip-pools', { body: input }));
}

/** 409 `ip_pool_in_use` while a subscription holds one of its addresses. */
export function deleteIpPool(id: number): Promise<void> {
  return unwrap(apiClient.DELETE('/api/v1/ip-pools/{id}', { params: { path: { id } } })).then(() => undefined);
}

export function useCreateIpPool() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['network', 'ip-pools', 'create'],
    mutationFn: createIpPool,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: POOLS_KEY }),
  });
}

export function useDeleteIpPool() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['network', 'ip-pools', 'delete'],
    mutationFn: deleteIpPool,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: POOLS_KEY }),
  });
}
