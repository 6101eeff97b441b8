/**
 * Where a bill run stands, for its progress bar: how full, what colour, what it says, and
 * whether the page should keep asking (every second while it is queued, running or issuing).
 */
import type { Schemas } from '@/lib/api/types';

type BillRun = Schemas['BillRun'];

export const ACTIVE_RUN_STATUSES = ['queued', 'running', 'issuing'] as const;

/** Queued, running, or issuing a draft run's invoices: it will change on its own. */
export function isRunActive(status: string): boolean {
  return (ACTIVE_RUN_STATUSES as readonly string[]).includes(status);
}

/** How often the page asks for a run that is still moving. */
export const RUN_POLL_MS = 1000;

export interface RunProgress {
  /** 0–100. */
  value: number;
  color: string;
  /** Moving stripes while the run works. */
  animated: boolean;
  /** The state in a sentence, for the bar's label. */
  label: string;
  active: boolean;
}

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

export function runProgress(
  run: Pick<
    BillRun,
    | 'status'
    | 'mode'
    | 'percent_done'
    | 'subscriptions_done'
    | 'subscriptions_total'
    | 'invoices_created'
    | 'error_count'
    | 'last_error'
    | 'drafts_issued_at'
  >,
): RunProgress {
  const value = Math.min(100, Math.max(0, run.percent_done));
  const invoices = run.mode === 'dry_run' ? count(run.invoices_created, 'invoice would be made', 'invoices would be made') : count(run.invoices_created, 'invoice');
  switch (run.status) {
    case 'queued':
      return { value: 0, color: 'gray', animated: true, label: 'Waiting for the billing worker to start', active: true };
    case 'running':
      return {
        value,
        color: 'blue',
        animated: true,
        label: `Billing: ${count(run.subscriptions_done, 'subscription')} of ${run.subscriptions_total.toLocaleString('en')} (${value}%)`,
        active: true,
      };
    case 'issuing':
      return {
        value: 100,
        color: 'indigo',
        animated: true,
        label: `Issuing ${count(run.invoices_created, 'draft')}: numbers and due dates`,
        active: true,
      };
    case 'completed': {
      const errors = run.error_count > 0 ? `; ${count(run.error_count, 'customer')} could not be billed` : '';
      const issued = run.mode === 'draft' && run.drafts_issued_at != null ? ', issued' : '';
      const nothing = run.subscriptions_total === 0 && run.invoices_created === 0;
      return {
        value: 100,
        color: run.error_count > 0 ? 'orange' : 'teal',
        animated: false,
        label: nothing ? 'Completed: nothing was due' : `Completed: ${invoices}${issued}${errors}`,
        active: false,
      };
    }
    case 'failed':
      return {
        value,
        color: 'red',
        animated: false,
        label: `Failed at ${value}%${run.last_error ? `: ${run.last_error}` : ''}`,
        active: false,
      };
    default:
      return { value, color: 'gray', animated: false, label: run.status, active: false };
  }
}
