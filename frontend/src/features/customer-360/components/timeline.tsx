import { Badge, Button, Center, Chip, Group, Loader, Stack, Text, Timeline as MantineTimeline } from '@mantine/core';
import { useState } from 'react';
import { QueryStatus } from '@/components/ui/query-status';
import { formatDateTime } from '@/lib/format';
import { useTimeline } from '../api/get-timeline';
import { describeActor, describeEvent } from '../describe-event';

const KINDS = [
  { value: 'lead', label: 'Leads' },
  { value: 'order', label: 'Orders' },
  { value: 'subscription', label: 'Services' },
  { value: 'interaction', label: 'Interactions' },
  { value: 'customer', label: 'Profile' },
] as const;

/** Everything that happened to the customer, newest first, filterable by kind. */
export function CustomerTimeline({ customerId }: { customerId: number }) {
  const [kinds, setKinds] = useState<string[]>([]);
  const timeline = useTimeline(customerId, kinds);
  const entries = timeline.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="md">
      <Group gap="xs">
        <Text size="sm" c="dimmed">
          Show:
        </Text>
        <Chip.Group multiple value={kinds} onChange={setKinds}>
          {KINDS.map((k) => (
            <Chip key={k.value} value={k.value} size="xs">
              {k.label}
            </Chip>
          ))}
        </Chip.Group>
      </Group>
      {timeline.isSuccess ? (
        entries.length === 0 ? (
          <Text c="dimmed">Nothing on the timeline{kinds.length > 0 ? ' of these kinds' : ''} yet.</Text>
        ) : (
          <MantineTimeline bulletSize={14} lineWidth={2} aria-label="Timeline">
            {entries.map((e) => (
              <MantineTimeline.Item
                key={e.id}
                title={
                  <Group gap={6}>
                    <Text size="sm" fw={500} data-testid="timeline-entry">
                      {describeEvent(e)}
                    </Text>
                    <Badge size="xs" variant="light" color="gray">
                      {e.entity_type}
                    </Badge>
                  </Group>
                }
              >
                <Text size="xs" c="dimmed">
                  {formatDateTime(e.occurred_at, { seconds: true })} · by {describeActor(e.actor, e.actor_name)}
                </Text>
              </MantineTimeline.Item>
            ))}
          </MantineTimeline>
        )
      ) : (
        <QueryStatus query={timeline} what="the timeline" noAccess="You cannot see this customer's timeline." />
      )}
      {timeline.hasNextPage && (
        <Center>
          <Button variant="default" onClick={() => void timeline.fetchNextPage()} loading={timeline.isFetchingNextPage}>
            Older events
          </Button>
        </Center>
      )}
      {timeline.isFetching && !timeline.isFetchingNextPage && timeline.isSuccess && <Loader size="xs" />}
    </Stack>
  );
}
