import { ActionIcon, Anchor, Button, Center, Chip, Group, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Fragment, useState } from 'react';
import { useNavigate } from 'react-router';
import { QueryStatus } from '@/components/ui/query-status';
import { errorMessage } from '@/lib/api/problem';
import type { Role } from '@/lib/api/types';
import { formatDateTime } from '@/lib/format';
import { useFindCustomerOfSubscription } from '../api/find-customer';
import { useJobs, type ProvisioningJob } from '../api/get-jobs';
import { byAttention, describeCreator, JOB_STATUSES, jobActionLabel } from '../labels';
import { canRetryJobs } from '../permissions';
import { JobLog } from './job-log';
import { JobStatusBadge } from './job-status';
import { RetryJobButton } from './retry-button';

/** Goes to the 360° page of the subscription's customer, looked up on the click. */
function SubscriptionLink({ subscriptionId }: { subscriptionId: number }) {
  const findCustomer = useFindCustomerOfSubscription();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  return (
    <Anchor
      component="button"
      type="button"
      size="sm"
      disabled={busy}
      aria-label={`Open the customer of subscription ${subscriptionId}`}
      onClick={() => {
        setBusy(true);
        findCustomer(subscriptionId)
          .then((customerId) => navigate(`/customers/${customerId}`))
          .catch((error: unknown) => {
            setBusy(false);
            notifications.show({ color: 'red', title: 'Could not open the customer', message: errorMessage(error) });
          });
      }}
    >
      Subscription #{subscriptionId}
    </Anchor>
  );
}

function JobRow({ job, role }: { job: ProvisioningJob; role: Role }) {
  const [open, setOpen] = useState(false);
  return (
    <Fragment>
      <Table.Tr data-testid="job-row">
        <Table.Td>
          <Group gap={4} wrap="nowrap">
            <ActionIcon
              variant="subtle"
              color="gray"
              size="sm"
              aria-expanded={open}
              aria-label={`${open ? 'Hide' : 'Show'} log of job ${job.id}`}
              onClick={() => setOpen((o) => !o)}
            >
              <Text size="xs" aria-hidden>
                {open ? '▾' : '▸'}
              </Text>
            </ActionIcon>
            <Text size="sm">#{job.id}</Text>
          </Group>
        </Table.Td>
        <Table.Td>{jobActionLabel(job.action)}</Table.Td>
        <Table.Td>
          <JobStatusBadge status={job.status} />
        </Table.Td>
        <Table.Td>
          {job.attempts}/{job.max_attempts}
        </Table.Td>
        <Table.Td>
          <SubscriptionLink subscriptionId={job.subscription_id} />
        </Table.Td>
        <Table.Td>
          <Text size="sm">{formatDateTime(job.created_at)}</Text>
          <Text size="xs" c="dimmed">
            by {describeCreator(job.created_by)}
            {job.status === 'pending' && ` · next try ${formatDateTime(job.next_attempt_at, { seconds: true })}`}
          </Text>
        </Table.Td>
        <Table.Td maw={320}>
          {job.last_error != null && (
            <Text size="xs" c="red" lineClamp={2} title={job.last_error}>
              {job.last_error}
            </Text>
          )}
        </Table.Td>
        <Table.Td ta="right">{job.status === 'failed' && canRetryJobs(role) && <RetryJobButton job={job} />}</Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr>
          <Table.Td />
          <Table.Td colSpan={7}>
            <JobLog job={job} />
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}

interface JobsTableProps {
  statuses: readonly string[];
  onStatusesChange: (statuses: string[]) => void;
  role: Role;
}

/** The provisioning queue: jobs by status, what needs a person first. */
export function JobsTable({ statuses, onStatusesChange, role }: JobsTableProps) {
  const jobs = useJobs({ statuses });
  const items = byAttention(jobs.data?.pages.flatMap((p) => p.items) ?? []);
  return (
    <Stack gap="sm">
      <Group gap="xs" role="group" aria-label="Job status">
        <Chip.Group multiple value={[...statuses]} onChange={onStatusesChange}>
          {JOB_STATUSES.map((status) => (
            <Chip key={status} value={status} size="sm">
              {status}
            </Chip>
          ))}
        </Chip.Group>
        {statuses.length > 0 && (
          <Button variant="subtle" size="compact-sm" onClick={() => onStatusesChange([])}>
            Show all
          </Button>
        )}
      </Group>
      {!jobs.isSuccess ? (
        <QueryStatus query={jobs} what="provisioning jobs" noAccess="You cannot see the provisioning queue." />
      ) : items.length === 0 ? (
        <Center py="xl">
          <Text c="dimmed">No {statuses.length > 0 ? statuses.join(' or ') : ''} jobs. The network is up to date.</Text>
        </Center>
      ) : (
        <>
          <Table striped highlightOnHover aria-label="Provisioning jobs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Job</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Attempts</Table.Th>
                <Table.Th>Service</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Last error</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((job) => (
                <JobRow key={job.id} job={job} role={role} />
              ))}
            </Table.Tbody>
          </Table>
          {jobs.hasNextPage && (
            <Center>
              <Button variant="default" loading={jobs.isFetchingNextPage} onClick={() => void jobs.fetchNextPage()}>
                Load more
              </Button>
            </Center>
          )}
        </>
      )}
    </Stack>
  );
}
