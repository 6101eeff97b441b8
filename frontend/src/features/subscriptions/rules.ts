import type { Role } from '@/lib/api/types';

/**
 * What staff may do to a subscription, by its status and their role. The API decides in the
 * end (`invalid_transition`, `forbidden`); these rules only hide buttons that would be refused.
 * The transitions follow api/src/domain/subscription.rs: active → suspended → active,
 * active → change plan, pending/active/suspended → terminated; add-ons follow their plan.
 */
export type SubscriptionAction = 'suspend' | 'restore' | 'change-plan' | 'terminate' | 'show-password';

export type SubscriptionStatus = 'pending' | 'active' | 'suspended' | 'terminated';

const WRITERS: readonly Role[] = ['admin', 'manager', 'agent'];
/** Finance suspends and restores for non-payment, but does not sell or end services. */
const SUSPENDERS: readonly Role[] = ['admin', 'manager', 'agent', 'finance'];

export function allowedActions(
  subscription: { status: string; kind: string; username?: string | null },
  role: Role,
): SubscriptionAction[] {
  const actions: SubscriptionAction[] = [];
  const plan = subscription.kind === 'plan';
  const status = subscription.status;
  if (plan && status === 'active' && SUSPENDERS.includes(role)) actions.push('suspend');
  if (plan && status === 'suspended' && SUSPENDERS.includes(role)) actions.push('restore');
  if (plan && status === 'active' && WRITERS.includes(role)) actions.push('change-plan');
  if (plan && status !== 'terminated' && WRITERS.includes(role)) actions.push('terminate');
  if (plan && status !== 'terminated' && subscription.username != null && WRITERS.includes(role)) {
    actions.push('show-password');
  }
  return actions;
}

/** Only managers and admins choose how a downgrade applies or waive an early-termination fee. */
export function canOverrideTerms(role: Role): boolean {
  return role === 'admin' || role === 'manager';
}

export const STATUS_COLOR: Record<SubscriptionStatus, string> = {
  pending: 'blue',
  active: 'teal',
  suspended: 'orange',
  terminated: 'gray',
};

export function statusColor(status: string): string {
  return STATUS_COLOR[status as SubscriptionStatus] ?? 'gray';
}

export function statusLabel(status: string): string {
  return status.charAt(0).toUpperCase() + status.slice(1);
}

export const SUSPEND_REASONS = [
  { value: 'non_payment', label: 'Non-payment' },
  { value: 'customer_request', label: 'Customer request' },
  { value: 'fraud', label: 'Fraud' },
] as const;

export function suspendReasonLabel(reason: string): string {
  return SUSPEND_REASONS.find((r) => r.value === reason)?.label ?? reason.replaceAll('_', ' ');
}

/** Today as a calendar date in the person's own time zone (`2026-11-25`). */
export function today(now: Date = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/**
 * Whether ending the service today may cost an early-termination fee: the contract runs up to
 * and including its end date. Calendar dates compare as strings (`YYYY-MM-DD`).
 */
export function feeMayBeOwed(contractEndOn: string | null | undefined, on: string): boolean {
  return contractEndOn != null && on <= contractEndOn;
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** Traffic for people: decimal units as ISPs sell them (1 GB = 10⁹ bytes), one decimal above KB. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  if (unit === 0) return `${value} B`;
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${BYTE_UNITS[unit]}`;
}

/** A session's length: `2 h 05 min`, `4 min`, `35 s`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || seconds < 0) return '—';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return `${hours} h ${String(rest).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** `100 ↓ / 20 ↑ Mbps`, or null for a service without speeds (an add-on). */
export function formatSpeeds(down: number | null | undefined, up: number | null | undefined): string | null {
  if (down == null && up == null) return null;
  return `${down ?? '—'} ↓ / ${up ?? '—'} ↑ Mbps`;
}

/** Decimal strings compare without floats: "49.00" vs "129.5". */
function compareDecimal(a: string, b: string): number {
  const [ai = '0', af = ''] = a.split('.');
  const [bi = '0', bf = ''] = b.split('.');
  const width = Math.max(af.length, bf.length);
  const x = BigInt(ai + af.padEnd(width, '0'));
  const y = BigInt(bi + bf.padEnd(width, '0'));
  return x === y ? 0 : x > y ? 1 : -1;
}

/** How the API will call a move from one monthly price to another (it decides by price too). */
export function planChangeKind(currentPrice: string, targetPrice: string): 'upgrade' | 'downgrade' | 'sidegrade' {
  const order = compareDecimal(targetPrice, currentPrice);
  return order > 0 ? 'upgrade' : order < 0 ? 'downgrade' : 'sidegrade';
}

export interface SuspendFormValues {
  reason: string;
  note: string;
}

export function suspendFormProblems(values: SuspendFormValues): Partial<Record<keyof SuspendFormValues, string>> {
  const problems: Partial<Record<keyof SuspendFormValues, string>> = {};
  if (!SUSPEND_REASONS.some((r) => r.value === values.reason)) problems.reason = 'Pick a reason';
  if (values.note.length > 1000) problems.note = 'At most 1000 characters';
  return problems;
}

export interface TerminateFormValues {
  reason: string;
  waiveFee: boolean;
  confirmation: string;
}

/** The word typed to confirm a termination: the service's username, or its plan code. */
export function terminationWord(subscription: { username?: string | null; product_code: string }): string {
  return subscription.username ?? subscription.product_code;
}

export function terminateFormProblems(
  values: TerminateFormValues,
  expectedWord: string,
): Partial<Record<keyof TerminateFormValues, string>> {
  const problems: Partial<Record<keyof TerminateFormValues, string>> = {};
  const reason = values.reason.trim();
  if (reason === '') problems.reason = 'Say why the service ends';
  else if (reason.length > 1000) problems.reason = 'At most 1000 characters';
  if (values.confirmation.trim() !== expectedWord) problems.confirmation = `Does not match ${expectedWord}`;
  return problems;
}
