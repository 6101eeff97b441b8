import { Anchor, Badge, Button, Center, Stack, Table, Text } from '@mantine/core';
import { Link, useNavigate } from 'react-router';
import { QueryStatus } from '@/components/ui/query-status';
import { formatDate, formatDateTime, formatMoney } from '@/lib/format';
import { useBillRuns, type BillRun } from '../api/get-bill-runs';
import { runModeLabel, runStatusColor } from '../labels';
import { RunProgress } from './run-progress';

function RunRow({ run }: { run: BillRun }) {
  const navigate = useNavigate();
  return (
    <Table.Tr
      data-testid="bill-run-row"
      style={{ cursor: 'pointer' }}
      onClick={(event) => {
        if ((event.target as HTMLElement).closest('a') === null) void navigate(`/billing/runs/${run.id}`);
      }}
    >
      <Table.Td>
        <Anchor component={Link} to={`/billing/runs/${run.id}`} fw={500}>
          #{run.id}
        </Anchor>
      </Table.Td>
      <Table.Td>{formatDate(run.run_on)}</Table.Td>
      <Table.Td>
        <Text size="sm">{runModeLabel(run.mode)}</Text>
        <Text size="xs" c="dimmed">
          {run.trigger === 'scheduled' ? 'daily run' : `by ${run.requested_by}`}
        </Text>
      </Table.Td>
      <Table.Td w={220}>
        <Badge size="sm" variant="light" color={runStatusColor(run.status)} mb={4}>
          {run.status}
        </Badge>
        {run.status !== 'completed' && <RunProgress run={run} compact />}
      </Table.Td>
      <Table.Td ta="right">{run.invoices_created.toLocaleString()}</Table.Td>
      <Table.Td ta="right" c={run.error_count > 0 ? 'orange' : undefined}>
        {run.error_count.toLocaleString()}
      </Table.Td>
      <Table.Td ta="right">
        {run.totals.length === 0
          ? '—'
          : run.totals.map((total) => (
              <Text key={total.currency} size="sm">
                {formatMoney(total.total, total.currency)}
              </Text>
            ))}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatDateTime(run.created_at)}</Text>
      </Table.Td>
    </Table.Tr>
  );
}

/** Bill runs, newest first; a row opens the run. */
export function BillRunsTable() {
  const runs = useBillRuns();
  if (!runs.isSuccess) {
    return <QueryStatus query={runs} what="bill runs" noAccess="Bill runs are for finance, managers and admins." />;
  }
  const items = runs.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return (
      <Center py="lg">
        <Text c="dimmed">No bill runs yet. Start with a dry run to see what would be billed.</Text>
      </Center>
    );
  }
  return (
    <Stack gap="sm">
      <Table.ScrollContainer minWidth={860}>
        <Table striped highlightOnHover aria-label="Bill runs" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Run</Table.Th>
              <Table.Th>Bills up to</Table.Th>
              <Table.Th>Mode</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th ta="right">Invoices</Table.Th>
              <Table.Th ta="right">Errors</Table.Th>
              <Table.Th ta="right">Total</Table.Th>
              <Table.Th>Started</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((run) => (
              <RunRow key={run.id} run={run} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {runs.hasNextPage && (
        <Center>
          <Button variant="default" loading={runs.isFetchingNextPage} onClick={() => void runs.fetchNextPage()}>
            Load more
          </Button>
        </Center>
      )}
    </Stack>
  );
}
