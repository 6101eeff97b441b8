import { Group, Stack, Text, Title } from '@mantine/core';
import { useParams } from 'react-router';
import { useMe } from '@/features/auth/api/get-me';
import { NewLeadButton } from '@/features/leads/components/create-lead-modal';
import { LeadDetail } from '@/features/leads/components/lead-detail';
import { LeadsTable } from '@/features/leads/components/leads-table';
import { NotFoundRoute } from './not-found';
import { canWriteCrm } from '@/lib/roles';

export function LeadsRoute() {
  const me = useMe();
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>Leads</Title>
          <Text c="dimmed">Prospects from calls, the website, the portal and partners, newest first.</Text>
        </div>
        {canWriteCrm(me.role) && <NewLeadButton />}
      </Group>
      <LeadsTable meId={me.id} />
    </Stack>
  );
}

export function LeadRoute() {
  const me = useMe();
  const { id } = useParams();
  const leadId = Number(id);
  if (!Number.isInteger(leadId) || leadId <= 0) return <NotFoundRoute />;
  return <LeadDetail key={leadId} leadId={leadId} canEdit={canWriteCrm(me.role)} />;
}
