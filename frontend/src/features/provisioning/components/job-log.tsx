import { Code, Stack, Text } from '@mantine/core';
import { formatDateTime } from '@/lib/format';
import type { ProvisioningJob } from '../api/get-jobs';

/** What each attempt did and what the NAS answered, oldest first. */
export function JobLog({ job }: { job: ProvisioningJob }) {
  if (job.log.length === 0) {
    return (
      <Text size="xs" c="dimmed">
        No attempts yet.
      </Text>
    );
  }
  return (
    <Stack gap={2} aria-label={`Log of job ${job.id}`} role="list">
      {job.log.map((line, index) => (
        <Text key={index} size="xs" role="listitem">
          <Text span c="dimmed" size="xs">
            {formatDateTime(line.at, { seconds: true })} · attempt {line.attempt}
          </Text>{' '}
          <Code fz="xs">{line.message}</Code>
        </Text>
      ))}
    </Stack>
  );
}
