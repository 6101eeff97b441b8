import { Group, Stack, Text, Title } from '@mantine/core';
import { useMe } from '@/features/auth/api/get-me';
import { NewUserButton } from '@/features/users/components/create-user-modal';
import { UsersTable } from '@/features/users/components/users-table';

export function UsersRoute() {
  const me = useMe();
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>Users</Title>
          <Text c="dimmed">Staff accounts and their roles.</Text>
        </div>
        {me.role === 'admin' && <NewUserButton />}
      </Group>
      <UsersTable />
    </Stack>
  );
}
