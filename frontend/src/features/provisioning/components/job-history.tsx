import { ActionIcon, Group, Stack, Table, Text } from '@mantine/core';
import { Fragment, useState } from 'react';
import { errorMessage } from '@/lib/api/problem';
import type { Role } from '@/lib/api/types';
import { formatDateTime } from '@/lib/format';
import { useSubscriptionJobs, type ProvisioningJob } from '../api/get-jobs';
import { jobActionLabel } from '../labels';
import { canRetryJobs } from '../permissions';
import { JobLog } from './job-log';
import { JobStatusBadge } from './job-status';
import { RetryJobButton } from './retry-button';

function Chevron({ open }: { open: boolean }) {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true"
      style={{ transform: open ? 'rotate(90deg)' : undefined, transition: 'transform 120ms' }}>
      <path d="M9 6l6 6-6 6" />
    </svg>
  );
}

function JobRow({ job, role }: { job: ProvisioningJob; role: Role }) {
  const [open, setOpen] = useState(false);
  return (
    <Fragment>
      <Table.Tr data-testid="job-row">
        <Table.Td w={28}>
          <ActionIcon
            variant="subtle"
            color="gray"
            size="sm"
            aria-expanded={open}
            aria-label={`${open ? 'Hide' : 'Show'} log of job ${job.id}`}
            onClick={() => setOpen((o) => !o)}
          >
            <Chevron open={open} />
          </ActionIcon>
        </Table.Td>
        <Table.Td>{jobActionLabel(job.action)}</Table.Td>
        <Table.Td>
          <JobStatusBadge status={job.status} />
        </Table.Td>
        <Table.Td>
          {job.attempts}/{job.max_attempts}
        </Table.Td>
        <Table.Td>{formatDateTime(job.finished_at ?? job.created_at, { seconds: true })}</Table.Td>
        <Table.Td maw={260}>
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
          <Table.Td colSpan={6}>
            <JobLog job={job} />
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}

/** A subscription's latest provisioning jobs, newest first. */
export function JobHistory({ subscriptionId, role }: { subscriptionId: number; role: Role }) {
  const jobs = useSubscriptionJobs(subscriptionId);
  if (jobs.isPending) return <Text size="xs" c="dimmed">Loading jobs…</Text>;
  if (jobs.isError) return <Text size="xs" c="red">{errorMessage(jobs.error)}</Text>;
  if (jobs.data.items.length === 0) return <Text size="xs" c="dimmed">No provisioning jobs.</Text>;
  return (
    <Stack gap={4}>
      <Table verticalSpacing={2} fz="xs" aria-label={`Provisioning jobs of subscription ${subscriptionId}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th />
            <Table.Th>Action</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Attempts</Table.Th>
            <Table.Th>When</Table.Th>
            <Table.Th>Last error</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {jobs.data.items.map((job) => (
            <JobRow key={job.id} job={job} role={role} />
          ))}
        </Table.Tbody>
      </Table>
      {jobs.data.next_cursor != null && (
        <Group>
          <Text size="xs" c="dimmed">
            Older jobs are on the Provisioning page.
          </Text>
        </Group>
      )}
    </Stack>
  );
}
