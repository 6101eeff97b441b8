import { Alert } from '@mantine/core';

/** What someone sees on an admin page their role may not use (the API answered 403). */
export function NoAccess({ children }: { children: string }) {
  return (
    <Alert color="yellow" title="You don't have access" role="alert">
      {children} Ask an administrator if you need access.
    </Alert>
  );
}
