import type { OrderStatus } from './api/get-orders';

/** The views of the order list; `queue` is the managers' approval queue. */
export const ORDER_VIEWS = {
  queue: { label: 'Approval queue', statuses: ['pending_approval'] },
  drafts: { label: 'Drafts', statuses: ['draft'] },
  // An approved order goes to provisioning in the same transaction and completes once its
  // services are active, so "approved" means every order that got past the credit check.
  approved: { label: 'Approved', statuses: ['approved', 'provisioning', 'completed'] },
  closed: { label: 'Rejected or cancelled', statuses: ['rejected', 'cancelled'] },
  all: { label: 'All', statuses: [] },
} as const satisfies Record<string, { label: string; statuses: readonly OrderStatus[] }>;

export type OrderView = keyof typeof ORDER_VIEWS;

export function isOrderView(value: string | null): value is OrderView {
  return value !== null && Object.hasOwn(ORDER_VIEWS, value);
}

