import { ActionIcon, Alert, Anchor, Badge, Button, Card, Center, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Fragment, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ConfirmModal } from '@/components/ui/confirm-modal';
import { QueryStatus } from '@/components/ui/query-status';
import { newIdempotencyKey } from '@/lib/api/idempotency';
import { errorMessage } from '@/lib/api/problem';
import { formatDate, formatDateTime, formatMoney } from '@/lib/format';
import { notifySuccess } from '@/lib/notify';
import { useIssueBillRun } from '../api/bill-run-commands';
import { useBillRun, useBillRunErrors, type BillRun } from '../api/get-bill-runs';
import { formatPercent, formatPeriod } from '../explain';
import { lineKindLabel, runModeLabel, runStatusColor } from '../labels';
import { isRunActive } from '../progress';
import { readSample, type SampleInvoice } from '../sample';
import { RunProgress } from './run-progress';

function Stat({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fw={700} size="xl" data-testid={testId}>
        {children}
      </Text>
    </div>
  );
}

function IssueDraftsButton({ run }: { run: BillRun }) {
  const issue = useIssueBillRun(run.id);
  const [key, setKey] = useState<string | null>(null);
  const close = () => {
    setKey(null);
    issue.reset();
  };
  return (
    <>
      <Button onClick={() => setKey(newIdempotencyKey())}>Issue drafts</Button>
      <ConfirmModal
        opened={key !== null}
        title={`Issue the ${run.invoices_created} drafts of run #${run.id}?`}
        confirmLabel="Issue drafts"
        loading={issue.isPending}
        error={issue.isError ? errorMessage(issue.error) : null}
        onCancel={close}
        onConfirm={() => {
          if (key === null) return;
          issue.mutate(key, {
            onSuccess: () => {
              notifySuccess('Issuing the drafts', 'Each gets its number and due date; this page follows it.');
              close();
            },
          });
        }}
      >
        Each draft gets the next invoice number and its due date, in order, and is owed from then on. This cannot be
        taken back: corrections after that are credit notes.
      </ConfirmModal>
    </>
  );
}

function SampleRow({ invoice, index }: { invoice: SampleInvoice; index: number }) {
  const [open, setOpen] = useState(false);
  const money = (amount: string) => formatMoney(amount, invoice.currency);
  return (
    <Fragment>
      <Table.Tr data-testid="sample-invoice">
        <Table.Td>
          <ActionIcon
            variant="subtle"
            color="gray"
            size="sm"
            aria-expanded={open}
            aria-label={`${open ? 'Hide' : 'Show'} the lines of sample invoice ${index}`}
            onClick={() => setOpen((o) => !o)}
          >
            <Text size="xs" aria-hidden>
              {open ? '▾' : '▸'}
            </Text>
          </ActionIcon>
        </Table.Td>
        <Table.Td>
          <Anchor component={Link} to={`/customers/${invoice.customerId}`} size="sm">
            Customer #{invoice.customerId}
          </Anchor>
        </Table.Td>
        <Table.Td>{formatPeriod(invoice.periodStart, invoice.periodEnd) ?? '—'}</Table.Td>
        <Table.Td ta="right">{invoice.lines.length}</Table.Td>
        <Table.Td ta="right">{money(invoice.subtotal)}</Table.Td>
        <Table.Td ta="right">{money(invoice.taxTotal)}</Table.Td>
        <Table.Td ta="right" fw={600}>
          {money(invoice.total)}
        </Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr>
          <Table.Td />
          <Table.Td colSpan={6}>
            <Table verticalSpacing={2} fz="sm" aria-label={`Lines of sample invoice ${index}`}>
              <Table.Tbody>
                {invoice.lines.map((line, i) => (
                  <Table.Tr key={i} data-testid="sample-line">
                    <Table.Td>
                      {line.description}
                      <Text size="xs" c="dimmed">
                        {lineKindLabel(line.kind)}
                      </Text>
                    </Table.Td>
                    <Table.Td>{formatPeriod(line.periodStart, line.periodEnd) ?? '—'}</Table.Td>
                    <Table.Td ta="right">{money(line.amount)}</Table.Td>
                    <Table.Td ta="right">
                      {money(line.taxAmount)}
                      <Text size="xs" c="dimmed">
                        {formatPercent(line.taxRate)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}

function DryRunSample({ run }: { run: BillRun }) {
  const sample = readSample(run.sample);
  return (
    <Card withBorder padding="md" component="section" aria-label="Preview">
      <Title order={2} size="h4" mb={4}>
        Preview
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        A dry run writes nothing. These are the first {sample.length === 0 ? '' : `${sample.length} `}invoices it would
        make, as they would be.
      </Text>
      {sample.length === 0 ? (
        <Text size="sm" c="dimmed">
          {isRunActive(run.status) ? 'Working them out…' : 'It would make no invoice: nothing is due.'}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label="Sample invoices" verticalSpacing="xs" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40} />
                <Table.Th>Customer</Table.Th>
                <Table.Th>Period</Table.Th>
                <Table.Th ta="right">Lines</Table.Th>
                <Table.Th ta="right">Net</Table.Th>
                <Table.Th ta="right">Tax</Table.Th>
                <Table.Th ta="right">Total</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sample.map((invoice, index) => (
                <SampleRow key={index} invoice={invoice} index={index + 1} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}

function RunErrors({ run }: { run: BillRun }) {
  const errors = useBillRunErrors(run.id, run.error_count > 0);
  if (run.error_count === 0) return null;
  const items = errors.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Card withBorder padding="md" component="section" aria-label="Errors">
      <Title order={2} size="h4" mb={4}>
        Customers not billed ({run.error_count})
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        They stay due: the next run bills them once the cause is fixed.
      </Text>
      {!errors.isSuccess ? (
        <QueryStatus query={errors} what="the errors" noAccess="You cannot see this run's errors." />
      ) : (
        <Stack gap="sm">
          <Table aria-label="Bill run errors" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Customer</Table.Th>
                <Table.Th>Problem</Table.Th>
                <Table.Th>When</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((error) => (
                <Table.Tr key={error.id} data-testid="bill-run-error">
                  <Table.Td>
                    <Anchor component={Link} to={`/customers/${error.customer_id}`}>
                      Customer #{error.customer_id}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{error.message}</Text>
                    <Text size="xs" c="dimmed">
                      {error.code}
                    </Text>
                  </Table.Td>
                  <Table.Td>{formatDateTime(error.at)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {errors.hasNextPage && (
            <Center>
              <Button variant="default" loading={errors.isFetchingNextPage} onClick={() => void errors.fetchNextPage()}>
                Load more
              </Button>
            </Center>
          )}
        </Stack>
      )}
    </Card>
  );
}

/** One bill run: its progress (asked every second while it moves), counts, totals, errors and preview. */
export function BillRunDetail({ runId }: { runId: number }) {
  const query = useBillRun(runId);
  if (!query.isSuccess) {
    return <QueryStatus query={query} what="the bill run" noAccess="Bill runs are for finance, managers and admins." />;
  }
  const run = query.data;
  const dry = run.mode === 'dry_run';
  const invoicesLabel = dry ? 'Invoices it would make' : 'Invoices made';
  return (
    <Stack gap="md">
      <Card withBorder padding="lg">
        <Stack gap="md">
          <Group justify="space-between" align="flex-start">
            <div>
              <Group gap="sm">
                <Title order={1}>Bill run #{run.id}</Title>
                <Badge size="lg" variant="light" color={runStatusColor(run.status)} data-testid="run-status">
                  {run.status}
                </Badge>
              </Group>
              <Text c="dimmed" size="sm" mt={4}>
                {runModeLabel(run.mode)} · bills up to {formatDate(run.run_on)} ·{' '}
                {run.trigger === 'scheduled' ? 'the daily run' : `started by ${run.requested_by}`} at{' '}
                {formatDateTime(run.created_at)}
                {run.finished_at != null && ` · finished ${formatDateTime(run.finished_at, { seconds: true })}`}
              </Text>
            </div>
            <Group gap="xs">
              {run.mode === 'draft' && run.status === 'completed' && run.drafts_issued_at == null && run.invoices_created > 0 && (
                <IssueDraftsButton run={run} />
              )}
              {!dry && run.invoices_created > 0 && (
                <Button component={Link} to={`/invoices?bill_run_id=${run.id}`} variant="default">
                  Open the run’s invoices
                </Button>
              )}
            </Group>
          </Group>
          <RunProgress run={run} />
          {run.drafts_issued_at != null && (
            <Alert color="teal" variant="light">
              The drafts were issued {formatDateTime(run.drafts_issued_at)}.
            </Alert>
          )}
          {run.mode === 'draft' && run.status === 'completed' && run.drafts_issued_at == null && run.invoices_created > 0 && (
            <Alert color="blue" variant="light">
              These invoices are drafts: not owed and without numbers until they are issued. Check them, then “Issue
              drafts”.
            </Alert>
          )}
          <SimpleGrid cols={{ base: 2, sm: 5 }}>
            <Stat label="Subscriptions" testId="run-subscriptions">
              {run.subscriptions_done.toLocaleString()} / {run.subscriptions_total.toLocaleString()}
            </Stat>
            <Stat label="Customers">{run.customers_done.toLocaleString()}</Stat>
            <Stat label={invoicesLabel} testId="run-invoices">
              {run.invoices_created.toLocaleString()}
            </Stat>
            <Stat label="Lines">{run.lines_created.toLocaleString()}</Stat>
            <Stat label="Not billed" testId="run-errors">
              <Text span inherit c={run.error_count > 0 ? 'orange' : undefined}>
                {run.error_count.toLocaleString()}
              </Text>
            </Stat>
          </SimpleGrid>
          {run.totals.length > 0 && (
            <Table aria-label="Totals per currency" verticalSpacing={4} maw={560}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Currency</Table.Th>
                  <Table.Th ta="right">Net</Table.Th>
                  <Table.Th ta="right">Tax</Table.Th>
                  <Table.Th ta="right">Total</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {run.totals.map((total) => (
                  <Table.Tr key={total.currency} data-testid="run-total">
                    <Table.Td>{total.currency}</Table.Td>
                    <Table.Td ta="right">{formatMoney(total.subtotal, total.currency)}</Table.Td>
                    <Table.Td ta="right">{formatMoney(total.tax, total.currency)}</Table.Td>
                    <Table.Td ta="right" fw={700}>
                      {formatMoney(total.total, total.currency)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      </Card>
      {dry && <DryRunSample run={run} />}
      <RunErrors run={run} />
    </Stack>
  );
}
