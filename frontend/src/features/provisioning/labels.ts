/** How a job's action and status read for people. */
export const JOB_ACTION_LABEL: Record<string, string> = {
  activate: 'Activate',
  change_plan: 'Change plan',
  suspend: 'Suspend',
  restore: 'Restore',
  terminate: 'Terminate',
  throttle: 'Throttle',
  unthrottle: 'Unthrottle',
};

export function jobActionLabel(action: string): string {
  return JOB_ACTION_LABEL[action] ?? action.replaceAll('_', ' ');
}

export const JOB_STATUS_COLOR: Record<string, string> = {
  pending: 'blue',
  running: 'cyan',
  done: 'teal',
  failed: 'red',
};

export const JOB_STATUSES = ['failed', 'pending', 'running', 'done'] as const;

/** The page's default view: what needs attention, failed first. */
export const DEFAULT_JOB_STATUSES = ['failed', 'pending'] as const;

/**
 * The status filter as kept in the URL (`?status=failed,pending`): unknown words are dropped;
 * no parameter at all means the default view; `status=all` means every status.
 */
export function parseStatusFilter(value: string | null): string[] {
  if (value === null || value === '') return [...DEFAULT_JOB_STATUSES];
  if (value === 'all') return [];
  const picked = value.split(',').filter((s): s is (typeof JOB_STATUSES)[number] => (JOB_STATUSES as readonly string[]).includes(s));
  return picked.length === 0 ? [...DEFAULT_JOB_STATUSES] : JOB_STATUSES.filter((s) => picked.includes(s));
}

export function statusFilterParam(statuses: readonly string[]): string {
  return statuses.length === 0 ? 'all' : statuses.join(',');
}

/** Failed jobs first (they need a person), then pending and running, then done; newest first within. */
export function byAttention<T extends { status: string; id: number }>(jobs: readonly T[]): T[] {
  const rank = (s: string) => (s === 'failed' ? 0 : s === 'pending' || s === 'running' ? 1 : 2);
  return [...jobs].sort((a, b) => rank(a.status) - rank(b.status) || b.id - a.id);
}

/** Who queued a job: `system` is ispbill itself (an approved order, a worker); `user:7` a person. */
export function describeCreator(createdBy: string): string {
  if (createdBy === 'system') return 'ispbill';
  const [kind, id] = createdBy.split(':');
  if (id !== undefined && kind === 'user') return `user ${id}`;
  if (id !== undefined && kind === 'api_client') return `API client ${id}`;
  return createdBy;
}
