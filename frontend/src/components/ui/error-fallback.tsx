import { Button, Center, Paper, Stack, Text, Title } from '@mantine/core';

interface ErrorFallbackProps {
  title?: string;
  message?: string;
  actionLabel?: string;
  onAction?: () => void;
}

/** What a person sees when a page cannot be shown. */
export function ErrorFallback({
  title = 'Something went wrong',
  message = 'An unexpected error stopped this page. Reloading usually fixes it; if it keeps happening, tell your administrator.',
  actionLabel = 'Reload',
  onAction = () => window.location.reload(),
}: ErrorFallbackProps) {
  return (
    <Center mih="60vh" p="md">
      <Paper withBorder p="xl" radius="md" maw={480} role="alert">
        <Stack gap="sm" align="flex-start">
          <Title order={1} size="h2">
            {title}
          </Title>
          <Text c="dimmed">{message}</Text>
          <Button onClick={onAction}>{actionLabel}</Button>
        </Stack>
      </Paper>
    </Center>
  );
}
