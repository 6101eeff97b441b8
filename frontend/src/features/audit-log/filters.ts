/**
 * The audit log's filters, as they appear in the page's URL (so a filtered view can be
 * bookmarked or shared) and as the API wants them. Dates are whole local days in the URL
 * (`from=2025-03-01&to=2025-03-31`, both inclusive) and instants for the API.
 */
export const AUDIT_FILTER_KEYS = ['action', 'entity_type', 'entity_id', 'actor', 'request_id', 'from', 'to'] as const;

export type AuditFilterKey = (typeof AUDIT_FILTER_KEYS)[number];

export type AuditFilters = Record<AuditFilterKey, string>;

export const EMPTY_AUDIT_FILTERS: AuditFilters = {
  action: '',
  entity_type: '',
  entity_id: '',
  actor: '',
  request_id: '',
  from: '',
  to: '',
};

export function filtersFromSearchParams(params: URLSearchParams): AuditFilters {
  const filters = { ...EMPTY_AUDIT_FILTERS };
  for (const key of AUDIT_FILTER_KEYS) filters[key] = params.get(key)?.trim() ?? '';
  return filters;
}

/** Only the filters that are set, in a stable order. */
export function filtersToSearchParams(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of AUDIT_FILTER_KEYS) {
    const value = filters[key].trim();
    if (value !== '') params.set(key, value);
  }
  return params;
}

export function hasFilters(filters: AuditFilters): boolean {
  return AUDIT_FILTER_KEYS.some((key) => filters[key].trim() !== '');
}

/** Local midnight at the start of `day` (YYYY-MM-DD), `plusDays` later; null if it is not a date. */
function localMidnight(day: string, plusDays = 0): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + plusDays);
  return Number.isNaN(date.getTime()) ? null : date;
}

export interface AuditQuery {
  action?: string;
  entity_type?: string;
  entity_id?: string;
  actor?: string;
  request_id?: string;
  /** Entries at or after this instant. */
  from?: string;
  /** Entries before this instant. */
  to?: string;
}

/** The API's query for `filters`: `to` is exclusive there, so a day filter ends at the next midnight. */
export function filtersToQuery(filters: AuditFilters): AuditQuery {
  const query: AuditQuery = {};
  for (const key of ['action', 'entity_type', 'entity_id', 'actor', 'request_id'] as const) {
    const value = filters[key].trim();
    if (value !== '') query[key] = value;
  }
  const from = localMidnight(filters.from);
  if (from) query.from = from.toISOString();
  const to = localMidnight(filters.to, 1);
  if (to) query.to = to.toISOString();
  return query;
}
