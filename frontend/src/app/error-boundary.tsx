import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useRouteError } from 'react-router';
import { ErrorFallback } from '@/components/ui/error-fallback';

interface AppErrorBoundaryProps {
  children: ReactNode;
  /** What "Reload" does; a full page reload by default. */
  onReload?: () => void;
}

interface AppErrorBoundaryState {
  error: unknown;
}

/** Catches render errors anywhere in the app so a person sees a way out, not a blank page. */
export class AppErrorBoundary extends Component<AppErrorBoundaryProps, AppErrorBoundaryState> {
  override state: AppErrorBoundaryState = { error: null };

  static getDerivedStateFromError(error: unknown): AppErrorBoundaryState {
    return { error: error ?? new Error('Unknown error') };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error('Unhandled error in the UI', error, info.componentStack);
  }

  override render() {
    if (this.state.error !== null) {
      return <ErrorFallback onAction={this.props.onReload} />;
    }
    return this.props.children;
  }
}

/** The router catches errors in route components itself; this shows the same fallback. */
export function RouteErrorFallback() {
  const error = useRouteError();
  console.error('Unhandled error in a route', error);
  return <ErrorFallback />;
}
