import type { Role } from '@/lib/api/types';

/** Every staff role reads the catalog; only managers and admins change it (the API enforces it too). */
export function canEditCatalog(role: Role): boolean {
  return role === 'admin' || role === 'manager';
}
