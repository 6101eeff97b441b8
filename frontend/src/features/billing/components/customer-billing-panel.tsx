import { Anchor, Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { QueryStatus } from '@/components/ui/query-status';
import type { Role } from '@/lib/api/types';
import { formatDate, formatDateTime, formatMoney } from '@/lib/format';
import { useStatement, type StatementRange } from '../api/get-statement';
import { usePendingCharges } from '../api/pending-charges';
import { todayIso } from '../dates';
import { addDays, formatPeriod } from '../explain';
import { chargeKindLabel, ledgerKindLabel } from '../labels';
import { canWriteBilling } from '../permissions';
import { AddChargeButton } from './add-charge-modal';
import { InvoicesTable } from './invoices-table';
import { PdfButton } from './pdf-button';

function Section({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <Card withBorder padding="md" component="section" aria-label={title}>
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h5">
          {title}
        </Title>
        {actions}
      </Group>
      {children}
    </Card>
  );
}

function PendingCharges({ customerId, currency, canAdd }: { customerId: number; currency: string; canAdd: boolean }) {
  const charges = usePendingCharges(customerId);
  return (
    <Section
      title="Waiting for the next invoice"
      actions={canAdd && <AddChargeButton customerId={customerId} currency={currency} />}
    >
      {!charges.isSuccess ? (
        <QueryStatus query={charges} what="waiting charges" noAccess="You cannot see this customer's charges." />
      ) : charges.data.length === 0 ? (
        <Text c="dimmed" size="sm">
          Nothing is waiting: the next invoice has only the services’ regular charges.
        </Text>
      ) : (
        <Table aria-label="Waiting charges" verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Charge</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Bill from</Table.Th>
              <Table.Th ta="right">Amount (net)</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {charges.data.map((charge) => (
              <Table.Tr key={charge.id} data-testid="pending-charge">
                <Table.Td>
                  <Text size="sm">{charge.description}</Text>
                  {charge.period_start != null && (
                    <Text size="xs" c="dimmed">
                      {formatPeriod(charge.period_start, charge.period_end)}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color="gray" size="sm">
                    {chargeKindLabel(charge.kind)}
                  </Badge>
                </Table.Td>
                <Table.Td>{formatDate(charge.charge_on)}</Table.Td>
                <Table.Td ta="right" c={charge.amount.startsWith('-') ? 'teal' : undefined}>
                  {formatMoney(charge.amount, charge.currency)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  );
}

function StatementRangeForm({ value, onApply }: { value: StatementRange; onApply: (range: StatementRange) => void }) {
  const [draft, setDraft] = useState(value);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  return (
    <Group gap="xs" align="flex-end" component="form" onSubmit={submit} aria-label="Statement dates">
      <TextInput
        size="xs"
        label="From"
        type="date"
        value={draft.from}
        onChange={(event) => setDraft({ ...draft, from: event.currentTarget.value })}
      />
      <TextInput
        size="xs"
        label="To"
        type="date"
        value={draft.to}
        onChange={(event) => setDraft({ ...draft, to: event.currentTarget.value })}
      />
      <Button size="xs" type="submit" variant="default">
        Show
      </Button>
    </Group>
  );
}

function AccountStatement({ customerId }: { customerId: number }) {
  const [range, setRange] = useState<StatementRange>(() => {
    const to = todayIso();
    return { from: addDays(to, -90), to };
  });
  const statement = useStatement(customerId, range);
  return (
    <Section
      title="Statement of account"
      actions={
        <PdfButton
          document={{ kind: 'statement', customerId, from: range.from, to: range.to }}
          filename={`statement-${customerId}-${range.to}.pdf`}
          label="Statement PDF"
        />
      }
    >
      <Stack gap="sm">
        <StatementRangeForm value={range} onApply={setRange} />
        {!statement.isSuccess ? (
          <QueryStatus query={statement} what="the statement" noAccess="You cannot see this customer's statement." />
        ) : (
          <Table aria-label="Statement" verticalSpacing={4} striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Date</Table.Th>
                <Table.Th>Entry</Table.Th>
                <Table.Th ta="right">Amount</Table.Th>
                <Table.Th ta="right">Balance</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              <Table.Tr>
                <Table.Td>{formatDate(statement.data.from)}</Table.Td>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    Opening balance
                  </Text>
                </Table.Td>
                <Table.Td />
                <Table.Td ta="right">{formatMoney(statement.data.opening_balance, statement.data.currency)}</Table.Td>
              </Table.Tr>
              {statement.data.entries.map((entry) => (
                <Table.Tr key={entry.id} data-testid="statement-entry">
                  <Table.Td>
                    <Text size="sm">{formatDateTime(entry.occurred_at)}</Text>
                    {entry.due_on != null && (
                      <Text size="xs" c="dimmed">
                        due {formatDate(entry.due_on)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {entry.reference_type === 'invoice' && entry.reference_id != null ? (
                        <Anchor component={Link} to={`/invoices/${entry.reference_id}`}>
                          {entry.description ?? ledgerKindLabel(entry.kind)}
                        </Anchor>
                      ) : (
                        (entry.description ?? ledgerKindLabel(entry.kind))
                      )}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {ledgerKindLabel(entry.kind)}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right" c={entry.amount.startsWith('-') ? 'teal' : undefined}>
                    {formatMoney(entry.amount, entry.currency)}
                  </Table.Td>
                  <Table.Td ta="right">{formatMoney(entry.balance, statement.data.currency)}</Table.Td>
                </Table.Tr>
              ))}
              {statement.data.entries.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={4}>
                    <Text size="sm" c="dimmed" ta="center">
                      Nothing was invoiced, paid or credited in these dates.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
            <Table.Tfoot>
              <Table.Tr>
                <Table.Td>{formatDate(statement.data.to)}</Table.Td>
                <Table.Td>
                  <Text size="sm" fw={700}>
                    Closing balance
                  </Text>
                </Table.Td>
                <Table.Td />
                <Table.Td ta="right" fw={700} data-testid="statement-closing">
                  {formatMoney(statement.data.closing_balance, statement.data.currency)}
                </Table.Td>
              </Table.Tr>
            </Table.Tfoot>
          </Table>
        )}
        <Text size="xs" c="dimmed">
          A positive balance is owed by the customer; a negative one is money the customer has with us.
        </Text>
      </Stack>
    </Section>
  );
}

interface CustomerBillingPanelProps {
  customerId: number;
  /** The customer's billing currency, for charges typed in. */
  currency: string;
  role: Role;
}

/** The 360° page's Invoices tab: the customer's invoices, waiting charges and statement. */
export function CustomerBillingPanel({ customerId, currency, role }: CustomerBillingPanelProps) {
  return (
    <Stack gap="md">
      <Section
        title="Invoices"
        actions={
          <Anchor component={Link} to={`/invoices?customer_id=${customerId}`} size="sm">
            Open in the invoice list
          </Anchor>
        }
      >
        <InvoicesTable
          query={{ customer_id: customerId }}
          label="Customer invoices"
          showCustomer={false}
          limit={20}
          empty="No invoices yet. The first one comes with the next bill run after a service starts."
        />
      </Section>
      <PendingCharges customerId={customerId} currency={currency} canAdd={canWriteBilling(role)} />
      <AccountStatement customerId={customerId} />
    </Stack>
  );
}
