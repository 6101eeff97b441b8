import type { Role } from '@/lib/api/types';

/** Managers see the network set-up; only admins change it (the API enforces both). */
export function canEditNetwork(role: Role): boolean {
  return role === 'admin';
}
