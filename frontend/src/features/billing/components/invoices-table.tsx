import { Anchor, Button, Center, Stack, Table, Text } from '@mantine/core';
import { Link, useNavigate } from 'react-router';
import { QueryStatus } from '@/components/ui/query-status';
import { formatDate, formatMoney } from '@/lib/format';
import { useInvoices, type InvoiceSummary } from '../api/get-invoices';
import { formatPeriod } from '../explain';
import type { InvoiceQuery } from '../filters';
import { invoiceName } from '../labels';
import { isPositive } from '../money';
import { InvoiceStatusBadge } from './invoice-status';

interface InvoicesTableProps {
  query: InvoiceQuery;
  /** The accessible name of the table. */
  label: string;
  /** Hide the customer column where the page is the customer's. */
  showCustomer?: boolean;
  /** What to say when no invoice matches. */
  empty: string;
  limit?: number;
}

function InvoiceRow({ invoice, showCustomer }: { invoice: InvoiceSummary; showCustomer: boolean }) {
  const navigate = useNavigate();
  const name = invoiceName(invoice);
  const due = isPositive(invoice.amount_due);
  return (
    <Table.Tr
      data-testid="invoice-row"
      style={{ cursor: 'pointer' }}
      onClick={(event) => {
        // A click on the link itself is the link's.
        if ((event.target as HTMLElement).closest('a') === null) void navigate(`/invoices/${invoice.id}`);
      }}
    >
      <Table.Td>
        <Anchor component={Link} to={`/invoices/${invoice.id}`} fw={500} c={invoice.number == null ? 'dimmed' : undefined}>
          {name}
        </Anchor>
      </Table.Td>
      {showCustomer && (
        <Table.Td style={{ whiteSpace: 'normal' }} miw={180}>
          <Anchor component={Link} to={`/customers/${invoice.customer_id}`} size="sm">
            {invoice.customer_name}
          </Anchor>
          <Text size="xs" c="dimmed">
            #{invoice.account_number}
          </Text>
        </Table.Td>
      )}
      <Table.Td>
        <InvoiceStatusBadge status={invoice.status} overdue={invoice.overdue} />
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatPeriod(invoice.period_start, invoice.period_end) ?? '—'}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatDate(invoice.issue_date, 'Not issued')}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={invoice.overdue ? 'red' : undefined}>
          {formatDate(invoice.due_date)}
        </Text>
      </Table.Td>
      <Table.Td ta="right">{formatMoney(invoice.total, invoice.currency)}</Table.Td>
      <Table.Td ta="right">
        <Text size="sm" fw={due ? 600 : undefined} c={invoice.overdue ? 'red' : due ? undefined : 'dimmed'}>
          {formatMoney(invoice.amount_due, invoice.currency)}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

/** Invoices, newest first, page by page; a row opens the invoice. */
export function InvoicesTable({ query, label, showCustomer = true, empty, limit }: InvoicesTableProps) {
  const invoices = useInvoices(query, limit);
  if (!invoices.isSuccess) {
    return <QueryStatus query={invoices} what="invoices" noAccess="You cannot see invoices." />;
  }
  const items = invoices.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return (
      <Center py="lg">
        <Text c="dimmed">{empty}</Text>
      </Center>
    );
  }
  return (
    <Stack gap="sm">
      <Table.ScrollContainer minWidth={showCustomer ? 960 : 760}>
        <Table
          striped
          highlightOnHover
          aria-label={label}
          verticalSpacing="xs"
          // Numbers, dates and amounts read badly broken over two lines; the customer may wrap.
          styles={{ th: { whiteSpace: 'nowrap' }, td: { whiteSpace: 'nowrap' } }}
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Invoice</Table.Th>
              {showCustomer && <Table.Th>Customer</Table.Th>}
              <Table.Th>Status</Table.Th>
              <Table.Th>Period</Table.Th>
              <Table.Th>Issued</Table.Th>
              <Table.Th>Due</Table.Th>
              <Table.Th ta="right">Total</Table.Th>
              <Table.Th ta="right">Amount due</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((invoice) => (
              <InvoiceRow key={invoice.id} invoice={invoice} showCustomer={showCustomer} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {invoices.hasNextPage && (
        <Center>
          <Button variant="default" loading={invoices.isFetchingNextPage} onClick={() => void invoices.fetchNextPage()}>
            Load more
          </Button>
        </Center>
      )}
    </Stack>
  );
}
