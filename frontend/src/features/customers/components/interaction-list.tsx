import { Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { QueryStatus } from '@/components/ui/query-status';
import { formatDateTime } from '@/lib/format';
import type { Schemas } from '@/lib/api/types';
import { useInteractions } from '../api/interactions';
import { CHANNEL_OPTIONS, DIRECTION_OPTIONS, labelOf } from '../labels';

type Interaction = Schemas['Interaction'];

/** One interaction: channel, direction, when, who, what, outcome and follow-up. */
export function InteractionItem({ interaction }: { interaction: Interaction }) {
  return (
    <Paper withBorder p="sm" radius="md" data-testid="interaction">
      <Group justify="space-between" gap="xs">
        <Group gap="xs">
          <Badge variant="light">{labelOf(CHANNEL_OPTIONS, interaction.channel)}</Badge>
          <Badge variant="outline" color="gray">
            {labelOf(DIRECTION_OPTIONS, interaction.direction)}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed">
          {formatDateTime(interaction.occurred_at)}
          {interaction.agent_name ? ` · ${interaction.agent_name}` : ''}
        </Text>
      </Group>
      <Text mt="xs" style={{ whiteSpace: 'pre-wrap' }}>
        {interaction.summary}
      </Text>
      {(interaction.outcome || interaction.follow_up_on) && (
        <Text size="sm" c="dimmed" mt={4}>
          {interaction.outcome ? `Outcome: ${interaction.outcome}` : ''}
          {interaction.outcome && interaction.follow_up_on ? ' · ' : ''}
          {interaction.follow_up_on ? `Follow up on ${interaction.follow_up_on}` : ''}
        </Text>
      )}
    </Paper>
  );
}

export interface InteractionListProps {
  customerId: number;
}

/** A customer's interactions (with those of the leads it came from), newest first. */
export function InteractionList({ customerId }: InteractionListProps) {
  const interactions = useInteractions(customerId);
  if (!interactions.isSuccess) {
    return <QueryStatus query={interactions} what="interactions" noAccess="You cannot see this customer's interactions." />;
  }
  const items = interactions.data.pages.flatMap((page) => page.items);
  return (
    <Stack gap="sm" aria-label="Interactions">
      {items.length === 0 && (
        <Text c="dimmed" ta="center" py="md">
          No interactions yet.
        </Text>
      )}
      {items.map((interaction) => (
        <InteractionItem key={interaction.id} interaction={interaction} />
      ))}
      {interactions.hasNextPage && (
        <Group justify="center">
          <Button
            variant="default"
            loading={interactions.isFetchingNextPage}
            onClick={() => void interactions.fetchNextPage()}
          >
            Load more
          </Button>
        </Group>
      )}
    </Stack>
  );
}
