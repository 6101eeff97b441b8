import type { Role } from '@/lib/api/types';

const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin',
  manager: 'Manager',
  agent: 'Agent',
  finance: 'Finance',
  viewer: 'Viewer',
  integration: 'Integration',
  customer: 'Customer',
};

/** The roles a staff user can hold (API clients are `integration`, subscribers `customer`). */
export const STAFF_ROLES = ['admin', 'manager', 'agent', 'finance', 'viewer'] as const satisfies readonly Role[];

export type StaffRole = (typeof STAFF_ROLES)[number];

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role];
}

/** `{ value, label }` pairs for a select of staff roles. */
export const staffRoleOptions = STAFF_ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));

export function isStaffRole(value: string): value is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(value);
}

/** Roles that create and change customers and leads (viewers and finance only read them). */
export function canWriteCrm(role: Role): boolean {
  return role === 'admin' || role === 'manager' || role === 'agent';
}
