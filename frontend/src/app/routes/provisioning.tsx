import { Stack, Text, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { useMe } from '@/features/auth/api/get-me';
import { JobsTable, parseStatusFilter, statusFilterParam } from '@/features/provisioning';

/** The provisioning queue; the status filter lives in the URL (`?status=failed,pending`). */
export function ProvisioningRoute() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const statuses = parseStatusFilter(params.get('status'));
  return (
    <Stack gap="md">
      <div>
        <Title order={1}>Provisioning</Title>
        <Text c="dimmed">
          Jobs that carry each service change to the network (FreeRADIUS and the NAS). Failed jobs wait for a
          person; pending ones are on their way.
        </Text>
      </div>
      <JobsTable
        statuses={statuses}
        role={me.role}
        onStatusesChange={(next) =>
          setParams(
            (current) => {
              const updated = new URLSearchParams(current);
              updated.set('status', statusFilterParam(next));
              return updated;
            },
            { replace: true },
          )
        }
      />
    </Stack>
  );
}
