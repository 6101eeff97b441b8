import { Group, Stack, Text, Title } from '@mantine/core';
import { NewApiClientButton } from '@/features/api-clients/components/api-client-form-modals';
import { ApiClientsTable } from '@/features/api-clients/components/api-clients-table';
import { useMe } from '@/features/auth/api/get-me';

export function ApiClientsRoute() {
  const me = useMe();
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>API clients</Title>
          <Text c="dimmed">Credentials and scopes for integrations that call the API.</Text>
        </div>
        {me.role === 'admin' && <NewApiClientButton />}
      </Group>
      <ApiClientsTable />
    </Stack>
  );
}
