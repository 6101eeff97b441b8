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

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role];
}
