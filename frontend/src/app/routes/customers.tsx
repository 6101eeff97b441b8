import { Group, Stack, Text, Title } from '@mantine/core';
import { useMe } from '@/features/auth/api/get-me';
import { CustomersTable, NewCustomerButton } from '@/features/customers';
import { canWriteCrm } from '@/lib/roles';

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
