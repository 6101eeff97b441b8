import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type ProvisioningJob = Schemas['ProvisioningJob'];
export type JobPage = Schemas['JobPage'];

export interface JobFilter {
  /** Empty: every status. */
  statuses: readonly string[];
  subscriptionId?: number;
}

export function getJobs(filter: JobFilter, limit: number, cursor: string | null): Promise<JobPage> {
  return unwrap(
    apiClient.GET('/api/v1/provisioning-jobs', {
      params: {
        query: {
          limit,
          ...(filter.statuses.length > 0 ? { status: filter.statuses.join(',') } : {}),
          ...(filter.subscriptionId === undefined ? {} : { subscription_id: filter.subscriptionId }),
          ...(cursor === null ? {} : { cursor }),
        },
      },
    }),
  );
}

/** The staff page: newest first, page by page. */
export const jobsQueryOptions = (filter: JobFilter) =>
  infiniteQueryOptions({
    queryKey: ['provisioning-jobs', 'list', [...filter.statuses].sort()],
    queryFn: ({ pageParam }) => getJobs(filter, 50, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
    // A queue moves on its own: look again while the page is open.
    refetchInterval: 5_000,
  });

export function useJobs(filter: JobFilter) {
  return useInfiniteQuery(jobsQueryOptions(filter));
}

/** A subscription's latest jobs (its history in short). */
export const subscriptionJobsQueryOptions = (subscriptionId: number, limit: number) =>
  queryOptions({
    queryKey: ['provisioning-jobs', 'subscription', subscriptionId, limit],
    queryFn: () => getJobs({ statuses: [], subscriptionId }, limit, null),
    refetchInterval: (query) =>
      query.state.data?.items.some((j) => j.status === 'pending' || j.status === 'running') === true ? 1000 : false,
  });

export function useSubscriptionJobs(subscriptionId: number, limit = 10) {
  return useQuery(subscriptionJobsQueryOptions(subscriptionId, limit));
}
