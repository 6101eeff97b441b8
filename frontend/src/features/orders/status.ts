import type { Schemas } from '@/lib/api/types';

type OrderStatus = Schemas['OrderStatus'];
type OrderChannel = Schemas['OrderChannel'];

const STATUS: Record<OrderStatus, { label: string; color: string }> = {
  draft: { label: 'Draft', color: 'gray' },
  submitted: { label: 'Submitted', color: 'blue' },
  pending_approval: { label: 'Needs approval', color: 'orange' },
  approved: { label: 'Approved', color: 'teal' },
  rejected: { label: 'Rejected', color: 'red' },
  provisioning: { label: 'Provisioning', color: 'indigo' },
  completed: { label: 'Completed', color: 'green' },
  cancelled: { label: 'Cancelled', color: 'dark' },
};

export function statusLabel(status: OrderStatus): string {
  return STATUS[status].label;
}

export function statusColor(status: OrderStatus): string {
  return STATUS[status].color;
}

export const CHANNELS: { value: OrderChannel; label: string }[] = [
  { value: 'call_center', label: 'Call center' },
  { value: 'self_service', label: 'Self-service' },
  { value: 'in_person', label: 'In person' },
  { value: 'api', label: 'API' },
];

export function channelLabel(channel: OrderChannel): string {
  return CHANNELS.find((c) => c.value === channel)?.label ?? channel;
}

/** `29.00 USD`; amounts come from the API as exact decimal strings. */
export function money(amount: string, currency: string): string {
  return `${amount} ${currency}`;
}

/** Who may do what with orders (the API enforces the same). */
export function canWriteOrders(role: string): boolean {
  return role === 'admin' || role === 'manager' || role === 'agent';
}

export function canDecideOrders(role: string): boolean {
  return role === 'admin' || role === 'manager';
}
