import { Stack, Text, Title } from '@mantine/core';
import { AuditLog } from '@/features/audit-log/components/audit-log';

export function AuditLogRoute() {
  return (
    <Stack gap="md">
      <div>
        <Title order={1}>Audit log</Title>
        <Text c="dimmed">Who changed what, and when. Newest first; click an entry to see the change.</Text>
      </div>
      <AuditLog />
    </Stack>
  );
}
