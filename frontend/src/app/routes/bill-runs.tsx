import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link, useNavigate, useParams } from 'react-router';
import { NoAccess } from '@/components/ui/no-access';
import { useMe } from '@/features/auth/api/get-me';
import { BillRunDetail, BillRunForm, BillRunsTable, canRunBills } from '@/features/billing';
import { NotFoundRoute } from './not-found';

const NO_ACCESS = 'Bill runs are for finance, managers and admins.';

/** Start a bill run (preview, drafts or issue) and see the runs so far. */
export function BillRunsRoute() {
  const me = useMe();
  const navigate = useNavigate();
  return (
    <Stack gap="md">
      <div>
        <Title order={1}>Bill runs</Title>
        <Text c="dimmed">
          A bill run invoices every customer whose service periods, usage or one-time charges are due. The daily run does
          this on its own; start one here to preview, to bill a past day, or to review drafts before issuing them.
        </Text>
      </div>
      {canRunBills(me.role) ? (
        <>
          <BillRunForm onStarted={(run) => void navigate(`/billing/runs/${run.id}`)} />
          <Title order={2} size="h4">
            Runs
          </Title>
          <BillRunsTable />
        </>
      ) : (
        <NoAccess>{NO_ACCESS}</NoAccess>
      )}
    </Stack>
  );
}

export function BillRunRoute() {
  const { id } = useParams();
  const me = useMe();
  const runId = Number(id);
  if (!Number.isSafeInteger(runId) || runId <= 0) return <NotFoundRoute />;
  return (
    <Stack gap="sm">
      <Anchor component={Link} to="/billing/runs" size="sm">
        ← Bill runs
      </Anchor>
      {canRunBills(me.role) ? <BillRunDetail key={runId} runId={runId} /> : <NoAccess>{NO_ACCESS}</NoAccess>}
    </Stack>
  );
}
