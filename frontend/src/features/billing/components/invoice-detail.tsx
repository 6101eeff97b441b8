import { Alert, Anchor, Button, Card, Group, SimpleGrid, Stack, Tabs, Text, Title, Tooltip } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ConfirmModal } from '@/components/ui/confirm-modal';
import { QueryStatus } from '@/components/ui/query-status';
import { newIdempotencyKey } from '@/lib/api/idempotency';
import { errorMessage } from '@/lib/api/problem';
import type { Role } from '@/lib/api/types';
import { formatDate, formatDateTime, formatMoney } from '@/lib/format';
import { notifySuccess } from '@/lib/notify';
import { useInvoice, type Invoice } from '../api/get-invoice';
import { useInvoiceCommand } from '../api/invoice-commands';
import { canCredit, canVoid } from '../credit';
import { formatPeriod } from '../explain';
import { invoiceName } from '../labels';
import { isPositive } from '../money';
import { canRunBills, canWriteBilling } from '../permissions';
import { BillExplainer } from './bill-explainer';
import { CreditInvoiceModal } from './credit-invoice-modal';
import { CreditNotesTable } from './credit-notes-table';
import { InvoiceLines } from './invoice-lines';
import { InvoiceStatusBadge } from './invoice-status';
import { PdfButton } from './pdf-button';
import { VoidInvoiceModal } from './void-invoice-modal';

function Figure({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fw={600} data-testid={testId} component="div">
        {children}
      </Text>
    </div>
  );
}

function IssueDraftButton({ invoice }: { invoice: Invoice }) {
  const [key, setKey] = useState<string | null>(null);
  const command = useInvoiceCommand(invoice);
  const close = () => {
    setKey(null);
    command.reset();
  };
  return (
    <>
      <Button size="xs" onClick={() => setKey(newIdempotencyKey())}>
        Issue
      </Button>
      <ConfirmModal
        opened={key !== null}
        title={`Issue ${invoiceName(invoice)}`}
        confirmLabel="Issue invoice"
        loading={command.isPending}
        error={command.isError ? errorMessage(command.error) : null}
        onCancel={close}
        onConfirm={() => {
          if (key === null) return;
          command.mutate(
            { command: { kind: 'issue' }, idempotencyKey: key },
            {
              onSuccess: (result) => {
                if (result.kind === 'issue') notifySuccess(`Invoice ${invoiceName(result.invoice)} issued`);
                close();
              },
            },
          );
        }}
      >
        The draft gets the next invoice number and its due date, and the customer owes{' '}
        {formatMoney(invoice.total, invoice.currency)} from now on. An issued invoice is only corrected by a credit note
        or voided.
      </ConfirmModal>
    </>
  );
}

type OpenDialog = { kind: 'void' | 'credit'; key: string } | null;

function InvoiceActions({ invoice, role }: { invoice: Invoice; role: Role }) {
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const writer = canWriteBilling(role);
  const name = invoiceName(invoice);
  return (
    <Group gap="xs">
      <PdfButton
        document={{ kind: 'invoice', id: invoice.id }}
        filename={`${invoice.number ?? `draft-${invoice.id}`}.pdf`}
        variant="light"
      />
      {writer && invoice.status === 'draft' && <IssueDraftButton invoice={invoice} />}
      {writer && canCredit(invoice) && (
        <Button size="xs" variant="default" onClick={() => setDialog({ kind: 'credit', key: newIdempotencyKey() })}>
          Credit
        </Button>
      )}
      {writer && canVoid(invoice) && (
        <Button size="xs" variant="subtle" color="red" onClick={() => setDialog({ kind: 'void', key: newIdempotencyKey() })}>
          Void
        </Button>
      )}
      {writer && invoice.status !== 'void' && invoice.status !== 'draft' && !canVoid(invoice) && (
        // Say why it cannot be voided rather than leave the button out without a word.
        <Tooltip label={`${name} has payments or credits on it: correct it with a credit note`} withArrow>
          <span>
            <Button size="xs" variant="subtle" color="red" disabled>
              Void
            </Button>
          </span>
        </Tooltip>
      )}
      {dialog?.kind === 'void' && (
        <VoidInvoiceModal key={dialog.key} invoice={invoice} idempotencyKey={dialog.key} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'credit' && (
        <CreditInvoiceModal key={dialog.key} invoice={invoice} idempotencyKey={dialog.key} onClose={() => setDialog(null)} />
      )}
    </Group>
  );
}

function InvoiceHeader({ invoice, role }: { invoice: Invoice; role: Role }) {
  const money = (amount: string) => formatMoney(amount, invoice.currency);
  const due = isPositive(invoice.amount_due);
  return (
    <Card withBorder padding="lg">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start">
          <div>
            <Group gap="sm">
              <Title order={1} data-testid="invoice-title">
                {invoice.number == null ? `Draft invoice #${invoice.id}` : `Invoice ${invoice.number}`}
              </Title>
              <InvoiceStatusBadge status={invoice.status} overdue={invoice.overdue} size="lg" />
            </Group>
            <Text c="dimmed" size="sm" mt={4}>
              <Anchor component={Link} to={`/customers/${invoice.customer_id}`}>
                {invoice.customer_name}
              </Anchor>{' '}
              · Account #{invoice.account_number} · {invoice.currency}
              {invoice.issued_at != null && ` · issued ${formatDateTime(invoice.issued_at)}`}
            </Text>
          </div>
          <InvoiceActions invoice={invoice} role={role} />
        </Group>
        {invoice.status === 'void' && (
          <Alert color="gray" title={`Voided ${formatDateTime(invoice.voided_at)}`} data-testid="void-reason">
            {invoice.void_reason ?? 'No reason was given.'}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <Figure label="Period">{formatPeriod(invoice.period_start, invoice.period_end) ?? '—'}</Figure>
          <Figure label="Issue date">{formatDate(invoice.issue_date, 'Not issued')}</Figure>
          <Figure label="Due date">
            <Text span fw={600} c={invoice.overdue ? 'red' : undefined}>
              {formatDate(invoice.due_date)}
            </Text>
          </Figure>
          <Figure label="Bill run">
            {invoice.bill_run_id == null ? (
              'By hand'
            ) : canRunBills(role) ? (
              <Anchor component={Link} to={`/billing/runs/${invoice.bill_run_id}`} fw={600}>
                #{invoice.bill_run_id}
              </Anchor>
            ) : (
              `#${invoice.bill_run_id}`
            )}
          </Figure>
          <Figure label="Total" testId="invoice-total">
            {money(invoice.total)}
          </Figure>
          <Figure label="Paid">{money(invoice.amount_paid)}</Figure>
          <Figure label="Credited">{money(invoice.amount_credited)}</Figure>
          <Figure label="Amount due" testId="invoice-amount-due">
            <Text span fw={700} size="lg" c={invoice.overdue ? 'red' : due ? undefined : 'dimmed'}>
              {money(invoice.amount_due)}
            </Text>
          </Figure>
        </SimpleGrid>
      </Stack>
    </Card>
  );
}

const TABS = ['lines', 'why', 'credit-notes'] as const;
type InvoiceTab = (typeof TABS)[number];
const isTab = (value: string | null): value is InvoiceTab => value !== null && (TABS as readonly string[]).includes(value);

/** One invoice: header and actions, its lines, why it is this amount, its credit notes. */
export function InvoiceDetail({ invoiceId, role }: { invoiceId: number; role: Role }) {
  const invoice = useInvoice(invoiceId);
  const [params, setParams] = useSearchParams();
  const requested = params.get('view');
  const tab: InvoiceTab = isTab(requested) ? requested : 'lines';
  if (!invoice.isSuccess) {
    return <QueryStatus query={invoice} what="the invoice" noAccess="You cannot see invoices." />;
  }
  const data = invoice.data;
  return (
    <Stack gap="md">
      <InvoiceHeader invoice={data} role={role} />
      <Tabs
        value={tab}
        onChange={(next) => setParams(next === 'lines' || next === null ? {} : { view: next }, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="lines">Lines ({data.lines.length})</Tabs.Tab>
          <Tabs.Tab value="why">Why this amount</Tabs.Tab>
          <Tabs.Tab value="credit-notes">Credit notes ({data.credit_notes.length})</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="lines" pt="md">
          <InvoiceLines invoice={data} />
        </Tabs.Panel>
        <Tabs.Panel value="why" pt="md">
          <BillExplainer invoice={data} />
        </Tabs.Panel>
        <Tabs.Panel value="credit-notes" pt="md">
          <CreditNotesTable creditNotes={data.credit_notes} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
