import { Badge } from '@mantine/core';
import { JOB_STATUS_COLOR } from '../labels';

export function JobStatusBadge({ status }: { status: string }) {
  return (
    <Badge size="sm" variant="light" color={JOB_STATUS_COLOR[status] ?? 'gray'} data-testid="job-status">
      {status}
    </Badge>
  );
}
