import { Alert, Group, Stack, Text, Title } from '@mantine/core';
import { useParams } from 'react-router';
import { QueryStatus } from '@/components/ui/query-status';
import { useMe } from '@/features/auth/api/get-me';
import { CustomersTable, NewCustomerButton, useCustomer } from '@/features/customers';
import { canWriteCrm } from '@/lib/roles';
import { NotFoundRoute } from './not-found';

export function CustomersRoute() {
  const me = useMe();
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>Customers</Title>
          <Text c="dimmed">Accounts, oldest first. Filter by status, kind or class.</Text>
        </div>
        {canWriteCrm(me.role) && <NewCustomerButton />}
      </Group>
      <CustomersTable />
    </Stack>
  );
}

/** Until the 360° page lands: the customer's name and account number. */
export function CustomerPlaceholderRoute() {
  const { id } = useParams();
  const customerId = Number(id);
  if (!Number.isInteger(customerId) || customerId <= 0) return <NotFoundRoute />;
  return <CustomerPlaceholder key={customerId} customerId={customerId} />;
}

function CustomerPlaceholder({ customerId }: { customerId: number }) {
  const customer = useCustomer(customerId);
  if (!customer.isSuccess) {
    return <QueryStatus query={customer} what="the customer" noAccess="You cannot see customers." />;
  }
  return (
    <Stack gap="md">
      <Title order={1}>{customer.data.company_name ?? customer.data.name}</Title>
      <Text c="dimmed">
        Account {customer.data.account_number} · {customer.data.class.name}
      </Text>
      <Alert color="blue">The full customer view is on its way.</Alert>
    </Stack>
  );
}
