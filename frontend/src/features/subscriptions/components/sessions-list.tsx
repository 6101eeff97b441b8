import { Badge, Table, Text } from '@mantine/core';
import { errorMessage } from '@/lib/api/problem';
import { formatDateTime } from '@/lib/format';
import { useSessions } from '../api/get-sessions';
import { formatBytes, formatDuration } from '../rules';

/** The subscriber's RADIUS sessions: open ones first, then the latest closed ones. */
export function SessionsList({ subscriptionId }: { subscriptionId: number }) {
  const sessions = useSessions(subscriptionId);
  if (sessions.isPending) return <Text size="xs" c="dimmed">Loading sessions…</Text>;
  if (sessions.isError) return <Text size="xs" c="red">{errorMessage(sessions.error)}</Text>;
  if (sessions.data.length === 0) {
    return (
      <Text size="xs" c="dimmed">
        No sessions yet: the subscriber has not connected since the service was set up.
      </Text>
    );
  }
  return (
    <Table verticalSpacing={2} fz="xs" aria-label={`Sessions of subscription ${subscriptionId}`}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Started</Table.Th>
          <Table.Th>Ended</Table.Th>
          <Table.Th>Length</Table.Th>
          <Table.Th>NAS</Table.Th>
          <Table.Th>IP</Table.Th>
          <Table.Th ta="right">Download</Table.Th>
          <Table.Th ta="right">Upload</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {sessions.data.map((s) => (
          <Table.Tr key={s.unique_id}>
            <Table.Td>{formatDateTime(s.started_at, { never: '—' })}</Table.Td>
            <Table.Td>
              {s.stopped_at == null ? (
                <Badge size="xs" color="teal" variant="light">
                  online
                </Badge>
              ) : (
                formatDateTime(s.stopped_at)
              )}
            </Table.Td>
            <Table.Td>{formatDuration(s.session_seconds)}</Table.Td>
            <Table.Td>{s.nas_address}</Table.Td>
            <Table.Td>{s.framed_ip ?? '—'}</Table.Td>
            <Table.Td ta="right">{formatBytes(s.output_octets)}</Table.Td>
            <Table.Td ta="right">{formatBytes(s.input_octets)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
