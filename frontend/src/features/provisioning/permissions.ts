import type { Role } from '@/lib/api/types';

/** Every staff role reads the job queue; managers and admins send a failed job again. */
export function canRetryJobs(role: Role): boolean {
  return role === 'admin' || role === 'manager';
}
