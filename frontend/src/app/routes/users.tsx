import { Stack, Text, Title } from '@mantine/core';
import { UsersTable } from '@/features/users/components/users-table';

export function UsersRoute() {
  return (
    <Stack gap="md">
      <div>
        <Title order={1}>Users</Title>
        <Text c="dimmed">Staff accounts and their roles.</Text>
      </div>
      <UsersTable />
    </Stack>
  );
}
