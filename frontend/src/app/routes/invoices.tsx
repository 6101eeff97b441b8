import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { useMe } from '@/features/auth/api/get-me';
import { InvoiceDetail, InvoiceList } from '@/features/billing';
import { NotFoundRoute } from './not-found';

/** All invoices, filtered in the URL (`?status=issued&overdue=true&bill_run_id=12`). */
export function InvoicesRoute() {
  return (
    <Stack gap="md">
      <div>
        <Title order={1}>Invoices</Title>
        <Text c="dimmed">Newest first. Open an invoice for its lines, why it is this amount, its PDF and credit notes.</Text>
      </div>
      <InvoiceList />
    </Stack>
  );
}

export function InvoiceRoute() {
  const { id } = useParams();
  const me = useMe();
  const invoiceId = Number(id);
  if (!Number.isSafeInteger(invoiceId) || invoiceId <= 0) return <NotFoundRoute />;
  return (
    <Stack gap="sm">
      <Anchor component={Link} to="/invoices" size="sm">
        ← Invoices
      </Anchor>
      <InvoiceDetail key={invoiceId} invoiceId={invoiceId} role={me.role} />
    </Stack>
  );
}
