import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ErrorFallback } from '@/components/ui/error-fallback';
import { FullPageLoader } from '@/components/ui/full-page-loader';
import { meQueryOptions } from '@/features/auth/api/get-me';
import { errorMessage } from '@/lib/api/problem';
import { useSession } from '@/lib/auth/use-session';

/**
 * Renders its children only for a signed-in person whose profile has loaded. After a
 * reload only the refresh token survives: the first API call (this `me` query) refreshes
 * the session before it is sent, so nothing protected renders without an access token.
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  const me = useQuery({ ...meQueryOptions(), enabled: session.signedIn });

  if (!session.signedIn) {
    const here = location.pathname + location.search;
    const to =
      session.signOutReason === 'logout' || here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`;
    return <Navigate to={to} replace />;
  }

  if (me.isPending) return <FullPageLoader label="Loading your session" />;

  if (me.isError) {
    return (
      <ErrorFallback
        title="Could not load your session"
        message={errorMessage(me.error)}
        actionLabel="Try again"
        onAction={() => void me.refetch()}
      />
    );
  }

  return children;
}
