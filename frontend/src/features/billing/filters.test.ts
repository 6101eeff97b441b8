import { describe, expect, it } from 'vitest';
import { EMPTY_INVOICE_FILTERS, filtersFromSearchParams, filtersToQuery, filtersToSearchParams, hasFilters } from './filters';

describe('invoice filters in the URL', () => {
  it('reads what it knows and drops the rest', () => {
    const filters = filtersFromSearchParams(
      new URLSearchParams('status=paid,bogus,issued&overdue=true&period=2026-11-15&bill_run_id=12&customer_id=abc'),
    );
    expect(filters).toEqual({ statuses: ['issued', 'paid'], overdue: true, period: '2026-11-15', billRunId: '12', customerId: '' });
    expect(filtersToSearchParams(filters).toString()).toBe('status=issued%2Cpaid&overdue=true&period=2026-11-15&bill_run_id=12');
    expect(filtersToQuery(filters)).toEqual({ status: 'issued,paid', overdue: true, period: '2026-11-15', bill_run_id: 12 });
  });

  it('no filter, no parameter', () => {
    expect(filtersToSearchParams(EMPTY_INVOICE_FILTERS).toString()).toBe('');
    expect(filtersToQuery(EMPTY_INVOICE_FILTERS)).toEqual({});
    expect(hasFilters(EMPTY_INVOICE_FILTERS)).toBe(false);
    expect(hasFilters({ ...EMPTY_INVOICE_FILTERS, customerId: '5' })).toBe(true);
  });
});
