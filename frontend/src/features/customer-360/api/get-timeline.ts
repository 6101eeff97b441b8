import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type TimelineEntry = Schemas['TimelineEntry'];
export type TimelinePage = Schemas['TimelinePage'];

const PAGE_SIZE = 25;

export function getTimeline(id: number, kinds: readonly string[], cursor: string | null): Promise<TimelinePage> {
  return unwrap(
    apiClient.GET('/api/v1/customers/{id}/timeline', {
      params: {
        path: { id },
        query: {
          limit: PAGE_SIZE,
          ...(kinds.length > 0 ? { kind: kinds.join(',') } : {}),
          ...(cursor === null ? {} : { cursor }),
        },
      },
    }),
  );
}

export const timelineQueryOptions = (id: number, kinds: readonly string[]) =>
  infiniteQueryOptions({
    queryKey: ['customers', 'detail', id, 'timeline', [...kinds].sort()],
    queryFn: ({ pageParam }) => getTimeline(id, kinds, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });

export function useTimeline(id: number, kinds: readonly string[]) {
  return useInfiniteQuery(timelineQueryOptions(id, kinds));
}
