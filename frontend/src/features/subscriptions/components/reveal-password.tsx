import { Button, Code, CopyButton, Group, Text } from '@mantine/core';
import { errorMessage } from '@/lib/api/problem';
import { useRevealCredentials } from '../api/get-credentials';

/** The PPPoE password, read from the API only when asked (every read is audited) and forgotten on hide. */
export function RevealPassword({ subscriptionId }: { subscriptionId: number }) {
  const reveal = useRevealCredentials();
  if (reveal.isSuccess) {
    return (
      <Group gap={6} wrap="nowrap">
        <Code data-testid="service-password">{reveal.data.password}</Code>
        <CopyButton value={reveal.data.password}>
          {({ copied, copy }) => (
            <Button size="compact-xs" variant="subtle" onClick={copy} aria-label="Copy password">
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
        <Button size="compact-xs" variant="subtle" color="gray" onClick={() => reveal.reset()}>
          Hide password
        </Button>
      </Group>
    );
  }
  return (
    <Group gap={6}>
      <Button
        size="xs"
        variant="default"
        loading={reveal.isPending}
        onClick={() => reveal.mutate(subscriptionId)}
      >
        Show password
      </Button>
      {reveal.isError && (
        <Text size="xs" c="red" role="alert">
          {errorMessage(reveal.error)}
        </Text>
      )}
    </Group>
  );
}
