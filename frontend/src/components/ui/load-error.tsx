import { Alert, Button, Text } from '@mantine/core';

interface LoadErrorProps {
  title: string;
  message: string;
  onRetry: () => void;
}

/** A list that could not be loaded, with a way to try again. */
export function LoadError({ title, message, onRetry }: LoadErrorProps) {
  return (
    <Alert color="red" title={title} role="alert">
      <Text size="sm">{message}</Text>
      <Button mt="sm" size="xs" variant="light" onClick={onRetry}>
        Try again
      </Button>
    </Alert>
  );
}
