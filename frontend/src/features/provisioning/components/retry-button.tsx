import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { errorMessage } from '@/lib/api/problem';
import { notifySuccess } from '@/lib/notify';
import { useRetryJob } from '../api/retry-job';
import type { ProvisioningJob } from '../api/get-jobs';
import { jobActionLabel } from '../labels';

export function RetryJobButton({ job }: { job: ProvisioningJob }) {
  const retry = useRetryJob();
  return (
    <Button
      size="compact-xs"
      variant="light"
      color="orange"
      loading={retry.isPending}
      aria-label={`Retry job ${job.id}`}
      onClick={() =>
        retry.mutate(job.id, {
          onSuccess: () => notifySuccess(`${jobActionLabel(job.action)} job ${job.id} sent again`),
          onError: (error) => notifications.show({ color: 'red', title: 'Could not retry the job', message: errorMessage(error) }),
        })
      }
    >
      Retry
    </Button>
  );
}
