import { Badge, Paper, Stack, Text, Title } from '@mantine/core';

interface ComingSoonProps {
  /** The lifecycle stage or area this page will cover. */
  title: string;
  summary: string;
}

/** Stands in for a page whose stage is not built yet. */
export function ComingSoon({ title, summary }: ComingSoonProps) {
  return (
    <Stack gap="md">
      <Title order={1}>{title}</Title>
      <Paper withBorder p="xl" radius="md">
        <Stack gap="xs" align="flex-start">
          <Badge variant="light" color="gray">
            Coming in a later release
          </Badge>
          <Text fw={500}>{title} is coming in a later release.</Text>
          <Text c="dimmed" size="sm">
            {summary}
          </Text>
        </Stack>
      </Paper>
    </Stack>
  );
}
