import { Alert, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { LoginForm } from '@/features/auth/components/login-form';
import { useSession } from '@/lib/auth/use-session';

/** Only same-app paths may be used as the place to return to after signing in. */
function safeNext(next: string | null): string {
  if (next === null || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next === '/login' || next.startsWith('/login?')) return '/';
  return next;
}

export function LoginRoute() {
  const session = useSession();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const next = safeNext(searchParams.get('next'));

  if (session.signedIn) return <Navigate to={next} replace />;

  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={400}>
        <Stack>
          <div>
            <Title order={1} size="h2">
              Sign in
            </Title>
            <Text c="dimmed" size="sm">
              ispbill: billing and subscriber management
            </Text>
          </div>
          {session.signOutReason === 'expired' && (
            <Alert color="blue" title="Your session has ended">
              Please sign in again to continue.
            </Alert>
          )}
          <LoginForm onSuccess={() => void navigate(next, { replace: true })} />
        </Stack>
      </Paper>
    </Center>
  );
}
