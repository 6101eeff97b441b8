import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type Plan = Schemas['Product'];

/** Plans on sale (not retired) with their current version; at most 200, the most a catalog sells. */
export function getPlansOnSale(): Promise<Plan[]> {
  return unwrap(
    apiClient.GET('/api/v1/products', { params: { query: { kind: 'plan', include_retired: false, limit: 200 } } }),
  ).then((page) => page.items.filter((p) => p.kind === 'plan' && p.retired_at == null && p.current_version != null));
}

export const plansOnSaleQueryOptions = () =>
  queryOptions({ queryKey: ['catalog', 'products', 'plans-on-sale'], queryFn: getPlansOnSale });

export function usePlansOnSale(enabled: boolean) {
  return useQuery({ ...plansOnSaleQueryOptions(), enabled });
}
