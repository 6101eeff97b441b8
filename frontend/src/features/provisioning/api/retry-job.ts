import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { ProvisioningJob } from './get-jobs';

/** A failed job starts again with a fresh set of attempts (409 `job_not_failed` otherwise). */
export function retryJob(id: number): Promise<ProvisioningJob> {
  return unwrap(apiClient.POST('/api/v1/provisioning-jobs/{id}/retry', { params: { path: { id } } }));
}

export function useRetryJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['provisioning-jobs', 'retry'],
    mutationFn: retryJob,
    // The job list and the customer's page (failed_jobs, open_jobs) both change.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['provisioning-jobs'] }),
        queryClient.invalidateQueries({ queryKey: ['customers', 'detail'] }),
      ]),
  });
}
