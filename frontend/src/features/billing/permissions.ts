import type { Role } from '@/lib/api/types';

/**
 * Every staff role reads invoices, credit notes and statements; admins, managers and finance
 * run bills, issue, void and credit invoices and add charges (api/src/auth/policy.rs,
 * `BILLING`). The API refuses the rest anyway: this only hides buttons that would fail.
 */
export function canWriteBilling(role: Role): boolean {
  return role === 'admin' || role === 'manager' || role === 'finance';
}

/** Bill runs are read and started by the same roles that write invoices. */
export const canRunBills = canWriteBilling;
