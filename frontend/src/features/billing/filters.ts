/**
 * The invoice list's filters, as they appear in the page's URL (so finance can bookmark
 * "overdue" or share "the invoices of run 12") and as the API wants them.
 * `?status=issued,partially_paid&overdue=true&period=2026-11-15&bill_run_id=12&customer_id=5`
 */
import { INVOICE_STATUSES, isInvoiceStatus, type InvoiceStatus } from './labels';

export interface InvoiceFilters {
  statuses: InvoiceStatus[];
  overdue: boolean;
  /** A day the billing period includes (YYYY-MM-DD), or empty. */
  period: string;
  billRunId: string;
  customerId: string;
}

export const EMPTY_INVOICE_FILTERS: InvoiceFilters = {
  statuses: [],
  overdue: false,
  period: '',
  billRunId: '',
  customerId: '',
};

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^[1-9]\d{0,17}$/;

export function filtersFromSearchParams(params: URLSearchParams): InvoiceFilters {
  const statuses = (params.get('status') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(isInvoiceStatus);
  const period = params.get('period')?.trim() ?? '';
  const billRunId = params.get('bill_run_id')?.trim() ?? '';
  const customerId = params.get('customer_id')?.trim() ?? '';
  return {
    statuses: INVOICE_STATUSES.filter((s) => statuses.includes(s)),
    overdue: params.get('overdue') === 'true',
    period: ISO_DAY.test(period) ? period : '',
    billRunId: ID.test(billRunId) ? billRunId : '',
    customerId: ID.test(customerId) ? customerId : '',
  };
}

/** Only the filters that are set, in a stable order. */
export function filtersToSearchParams(filters: InvoiceFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.statuses.length > 0) params.set('status', filters.statuses.join(','));
  if (filters.overdue) params.set('overdue', 'true');
  if (ISO_DAY.test(filters.period)) params.set('period', filters.period);
  if (ID.test(filters.billRunId.trim())) params.set('bill_run_id', filters.billRunId.trim());
  if (ID.test(filters.customerId.trim())) params.set('customer_id', filters.customerId.trim());
  return params;
}

export function hasFilters(filters: InvoiceFilters): boolean {
  return filtersToSearchParams(filters).toString() !== '';
}

export interface InvoiceQuery {
  status?: string;
  overdue?: boolean;
  period?: string;
  bill_run_id?: number;
  customer_id?: number;
}

export function filtersToQuery(filters: InvoiceFilters): InvoiceQuery {
  const query: InvoiceQuery = {};
  if (filters.statuses.length > 0) query.status = filters.statuses.join(',');
  if (filters.overdue) query.overdue = true;
  if (ISO_DAY.test(filters.period)) query.period = filters.period;
  if (ID.test(filters.billRunId.trim())) query.bill_run_id = Number(filters.billRunId.trim());
  if (ID.test(filters.customerId.trim())) query.customer_id = Number(filters.customerId.trim());
  return query;
}
