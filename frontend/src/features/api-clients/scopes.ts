/**
 * The scopes an API client can be granted: the API's list (`SCOPES` in api/src/auth/policy.rs).
 * An integration token only reaches a route whose policy names a scope it carries.
 */
export const API_SCOPES = [
  'customers:read',
  'customers:write',
  'leads:read',
  'leads:write',
  'orders:read',
  'orders:write',
  'usage:write',
  'billing:read',
  'payments:read',
  'catalog:read',
] as const;

export type ApiScope = (typeof API_SCOPES)[number];
