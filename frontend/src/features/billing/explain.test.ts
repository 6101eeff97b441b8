import { describe, expect, it } from 'vitest';
import type { Schemas } from '@/lib/api/types';
import { formatDate, formatMoney } from '@/lib/format';
import {
  describeLineTax,
  explainLine,
  formatGb,
  formatPeriod,
  formatPeriodWithDays,
  ruleFigures,
  totalsWalkthrough,
} from './explain';

/**
 * The API documents `rule` as an object without properties, which the generated types read
 * as `Record<string, never>`; a test builds one from its real figures.
 */
const asRule = (figures: Record<string, unknown>) => figures as unknown as Schemas['InvoiceLine']['rule'];

const usd = (amount: string) => formatMoney(amount, 'USD');

function line(overrides: Partial<Schemas['InvoiceLine']>): Schemas['InvoiceLine'] {
  return {
    id: 1,
    position: 1,
    kind: 'recurring',
    description: 'Fiber 100',
    period_start: '2026-11-01',
    period_end: '2026-12-01',
    quantity: '1',
    unit_price: '50',
    amount: '50.00',
    tax_rate: '20',
    tax_name: 'VAT',
    tax_amount: '10.00',
    credited: '0.00',
    explanation: 'The monthly price 50.00 USD for the whole period 2026-11-01 – 2026-11-30, billed in advance.',
    rule: null,
    ...overrides,
  };
}

describe('periods', () => {
  it('shows the last day of a period, not the exclusive end the API sends', () => {
    expect(formatPeriod('2026-11-01', '2026-12-01')).toMatch(/^Nov 1\s*–\s*30, 2026$/);
    expect(formatPeriod('2026-12-15', '2027-01-15')).toMatch(/^Dec 15, 2026\s*–\s*Jan 14, 2027$/);
    expect(formatPeriodWithDays('2026-11-17', '2026-12-01')).toMatch(/^Nov 17\s*–\s*30, 2026 \(14 days\)$/);
    // Over a month end and a leap day.
    expect(formatPeriodWithDays('2028-02-15', '2028-03-15')).toMatch(/\(29 days\)$/);
    expect(formatPeriodWithDays('2026-11-30', '2026-12-01')).toBe(`${formatDate('2026-11-30')} (1 day)`);
    expect(formatPeriod(null, '2026-12-01')).toBeNull();
  });
});

describe('the figures of each rule', () => {
  it('a whole period in advance', () => {
    expect(
      ruleFigures({ rule: 'full_period', days: 30, period_days: 30, monthly: '50', from: '2026-11-01', to: '2026-12-01' }, 'USD'),
    ).toEqual(['Whole period of 30 days', `${usd('50')} a month`]);
  });

  it('proration: the days of the period and the share of the price', () => {
    expect(
      ruleFigures(
        { rule: 'remaining_days', days: 15, period_days: 31, monthly: '49.9', period_start: '2026-12-01', period_end: '2027-01-01' },
        'USD',
      ),
    ).toEqual(['15 of 31 days', `${usd('49.9')} a month × 15 / 31`, `Billing period ${formatPeriod('2026-12-01', '2027-01-01')}`]);
    expect(ruleFigures({ rule: 'credit_unused_days', days: 12, period_days: 30, monthly: '30' }, 'USD')).toEqual([
      '12 of 30 days',
      `${usd('30')} a month × 12 / 30`,
    ]);
  });

  it('a promotion with the cycles it has left, or none', () => {
    expect(
      ruleFigures({ rule: 'promotion', days: 31, period_days: 31, monthly: '5', cycles_left_after: 1 }, 'USD'),
    ).toEqual([`Promotion ${usd('5')}/month off`, 'Whole period', '1 discounted month left after this one']);
    expect(
      ruleFigures({ rule: 'promotion', days: 10, period_days: 30, monthly: '5', cycles_left_after: 0 }, 'USD'),
    ).toEqual([`Promotion ${usd('5')}/month off`, '10 of 30 days', 'Last discounted month']);
    expect(ruleFigures({ rule: 'promotion', days: 30, period_days: 30, monthly: '5', cycles_left_after: null }, 'USD')).toContain(
      'The promotion has no end',
    );
  });

  it('usage over the cap in decimal GB, billed per started GB', () => {
    expect(
      ruleFigures(
        {
          rule: 'usage_over_cap',
          octets: 112_300_000_000,
          cap_gb: 100,
          over_octets: 12_300_000_000,
          billed_gb: 13,
          per_gb: '2',
        },
        'USD',
      ),
    ).toEqual(['112.3 GB used', '100 GB cap', '12.3 GB over the cap', '13 GB billed (every GB or part of one)', `${usd('2')} per GB`]);
    expect(formatGb(4_794_967_296)).toBe('4.8 GB');
    expect(formatGb(250_000_000)).toBe('0.25 GB');
  });

  it('a one-time charge by its kind; nothing for an unknown rule or none', () => {
    expect(ruleFigures({ rule: 'one_time', kind: 'reconnection_fee' }, 'USD')).toEqual(['Reconnection fee']);
    expect(ruleFigures({ rule: 'one_time', kind: 'one_time' }, 'USD')).toEqual([]);
    expect(ruleFigures({ rule: 'something_new', days: 3 }, 'USD')).toEqual([]);
    expect(ruleFigures(null, 'USD')).toEqual([]);
  });
});

describe('a line explained', () => {
  it('says the rule, the period, the figures, the tax and the amount with tax', () => {
    const explained = explainLine(
      line({
        kind: 'proration',
        description: 'Fiber 100 (17 Nov – 30 Nov)',
        period_start: '2026-11-17',
        period_end: '2026-12-01',
        amount: '23.33',
        tax_amount: '4.67',
        credited: '5.00',
        explanation: 'The service started during the period: …',
        rule: asRule({ rule: 'remaining_days', days: 14, period_days: 30, monthly: '50' }),
      }),
      'USD',
    );
    expect(explained).toMatchObject({
      title: 'Rest of the period, billed in advance',
      period: formatPeriodWithDays('2026-11-17', '2026-12-01'),
      explanation: 'The service started during the period: …',
      figures: ['14 of 30 days', `${usd('50')} a month × 14 / 30`],
      tax: `VAT 20% on ${usd('23.33')} = ${usd('4.67')}`,
      net: usd('23.33'),
      gross: usd('28.00'),
      credited: usd('5.00'),
      negative: false,
    });
  });

  it('a discount is negative and an untaxed line says so', () => {
    const explained = explainLine(
      line({ kind: 'discount', amount: '-5.00', tax_amount: '-1.00', rule: asRule({ rule: 'promotion', monthly: '5', days: 30, period_days: 30 }) }),
      'USD',
    );
    expect(explained.negative).toBe(true);
    expect(explained.title).toBe('Promotion');
    expect(explained.gross).toBe(usd('-6.00'));
    expect(describeLineTax({ amount: '39.00', tax_rate: '0', tax_name: 'Exempt', tax_amount: '0.00' }, 'USD')).toBe(
      'No tax (Exempt, 0%)',
    );
    expect(describeLineTax({ amount: '39.00', tax_rate: '0', tax_name: '', tax_amount: '0.00' }, 'USD')).toBe('No tax');
    expect(describeLineTax({ amount: '6.50', tax_rate: '8.2500', tax_name: 'Telecom', tax_amount: '0.54' }, 'USD')).toBe(
      `Telecom 8.25% on ${usd('6.50')} = ${usd('0.54')}`,
    );
  });

  it('falls back to the line kind when the line has no rule', () => {
    expect(explainLine(line({ kind: 'fee', rule: null, explanation: '' }), 'USD').title).toBe('Fee');
  });

  it('leaves out an explanation that only repeats the heading', () => {
    const oneTime = line({ kind: 'one_time', explanation: 'One-time charge.', rule: asRule({ rule: 'one_time', kind: 'one_time' }) });
    expect(explainLine(oneTime, 'USD')).toMatchObject({ title: 'One-time charge', explanation: '', figures: [] });
  });
});

describe('how the total adds up', () => {
  const invoice = {
    status: 'partially_paid',
    currency: 'USD',
    subtotal: '75.00',
    taxes: [
      { name: 'VAT', rate: '20', base: '70.00', tax: '14.00' },
      { name: 'Exempt', rate: '0', base: '5.00', tax: '0.00' },
    ],
    total: '89.00',
    amount_credited: '9.00',
    amount_paid: '50.00',
    amount_due: '30.00',
    lines: [line({}), line({ id: 2 })],
  };

  it('lines before tax, plus tax per rate, is the total; less credits and payments, what is due', () => {
    expect(totalsWalkthrough(invoice).map((s) => `${s.sign}|${s.label}|${s.amount}|${s.strong}`)).toEqual([
      `|2 lines, before tax|${usd('75.00')}|false`,
      `+|VAT 20% on ${usd('70.00')}|${usd('14.00')}|false`,
      `+|Exempt 0% on ${usd('5.00')}|${usd('0.00')}|false`,
      `=|Invoice total|${usd('89.00')}|true`,
      `−|Credited (credit notes)|${usd('9.00')}|false`,
      `−|Paid|${usd('50.00')}|false`,
      `=|Amount due|${usd('30.00')}|true`,
    ]);
  });

  it('a draft or a void invoice stops at its total: nothing is due on it', () => {
    expect(totalsWalkthrough({ ...invoice, status: 'draft' }).at(-1)?.label).toBe('Invoice total');
    expect(totalsWalkthrough({ ...invoice, status: 'void' }).at(-1)?.label).toBe('Invoice total');
  });
});
