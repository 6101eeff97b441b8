import { Center, Loader } from '@mantine/core';
import { errorMessage, isApiError } from '@/lib/api/problem';
import { LoadError } from './load-error';
import { NoAccess } from './no-access';

interface QueryStatusProps {
  /** A query that has not succeeded (yet). */
  query: { isPending: boolean; error: unknown; refetch: () => unknown };
  /** What is loading, e.g. "users": "Loading users", "Could not load users". */
  what: string;
  /** Shown when the API answers 403. */
  noAccess: string;
}

/** The loading, no-access and failed states every admin list shares. */
export function QueryStatus({ query, what, noAccess }: QueryStatusProps) {
  if (query.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label={`Loading ${what}`} />
      </Center>
    );
  }
  if (isApiError(query.error, 403)) {
    return <NoAccess>{noAccess}</NoAccess>;
  }
  return (
    <LoadError title={`Could not load ${what}`} message={errorMessage(query.error)} onRetry={() => void query.refetch()} />
  );
}
