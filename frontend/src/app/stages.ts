import type { Role } from '@/lib/api/types';

/** The areas of ispbill, in the order a subscriber moves through them. */
export interface Area {
  path: string;
  label: string;
  summary: string;
  /**
   * Who sees the area in the navigation; lifecycle stages without it are for all staff,
   * admin areas without it for admins only.
   */
  roles?: readonly Role[];
}

export const lifecycleStages: readonly Area[] = [
  { path: '/leads', label: 'Leads', summary: 'Capture prospects and check whether their address can be served.' },
  { path: '/customers', label: 'Customers', summary: 'Accounts, contacts, service addresses and their history.' },
  { path: '/orders', label: 'Orders', summary: 'Plans ordered, changed and cancelled, with their effective dates.' },
  { path: '/provisioning', label: 'Provisioning', summary: 'Turning services on and off on the network (RADIUS and other adapters).' },
  {
    path: '/billing/runs',
    label: 'Bill runs',
    summary: 'Preview, draft and issue the invoices that are due: periods in advance, proration, usage over the cap, promotions, taxes.',
    roles: ['admin', 'manager', 'finance'],
  },
  {
    path: '/invoices',
    label: 'Invoices',
    summary: 'Invoices and credit notes with their PDFs, and why each line is the amount it is.',
  },
  { path: '/payments', label: 'Payments', summary: 'Payments received, gateways, and allocation to invoices.' },
  { path: '/collections', label: 'Collections', summary: 'Overdue balances, dunning steps and suspensions.' },
];

/** Whether `role` sees `area` in the navigation (areas without `roles` are for everyone). */
export function visibleTo(area: Area, role: Role): boolean {
  return area.roles === undefined || area.roles.includes(role);
}

export const adminAreas: readonly Area[] = [
  {
    path: '/admin/catalog',
    label: 'Catalog',
    summary: 'Products and their prices, promotions and tax rates.',
    roles: ['admin', 'manager', 'agent', 'finance', 'viewer'],
  },
  {
    path: '/admin/network',
    label: 'Network',
    summary: 'NAS devices (RADIUS clients) and the address pools static IPs come from.',
    roles: ['admin', 'manager'],
  },
  { path: '/admin/users', label: 'Users', summary: 'Staff accounts and their roles.' },
  { path: '/admin/api-clients', label: 'API clients', summary: 'Credentials and scopes for integrations that call the API.' },
  { path: '/admin/audit-log', label: 'Audit log', summary: 'Who changed what, and when.' },
];
