import { describe, expect, it } from 'vitest';
import { formatDate, formatMoney } from './format';

describe('formatMoney', () => {
  it('formats the decimal string exactly, with the currency', () => {
    const formatted = formatMoney('1234.50', 'USD');
    expect(formatted).toContain('1,234.50');
    expect(formatted).toContain('$');
    // Beyond a float's precision, every digit survives.
    expect(formatMoney('90071992547409.93', 'USD')).toContain('90,071,992,547,409.93');
  });

  it('falls back to the raw amount for odd input', () => {
    expect(formatMoney('abc', 'USD')).toBe('abc USD');
    expect(formatMoney('1.00', 'US')).toBe('1.00 US');
  });
});

describe('formatDate', () => {
  it('shows the calendar day without a time-zone shift', () => {
    expect(formatDate('2026-01-01')).toMatch(/2026/);
    expect(formatDate('2026-01-01')).toMatch(/Jan|1/);
    expect(formatDate(null)).toBe('—');
  });
});
