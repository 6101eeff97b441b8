import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import {
  canCredit,
  canVoid,
  creditableLines,
  creditPreview,
  creditProblems,
  creditRequest,
  emptyCreditForm,
  hasProblems,
  openAmount,
  serverCreditProblems,
  type CreditFormValues,
} from './credit';

function invoiceLine(id: number, amount: string, credited = '0.00', taxRate = '20'): Schemas['InvoiceLine'] {
  return {
    id,
    position: id,
    kind: 'recurring',
    description: `Line ${id}`,
    quantity: '1',
    unit_price: amount,
    amount,
    tax_rate: taxRate,
    tax_name: 'VAT',
    tax_amount: '0.00',
    credited,
    explanation: '',
  };
}

/** 50.00 + 10.00 − 5.00 net, 20 % VAT: 66.00 in all, 12.00 credited on line 11 already. */
const invoice: Schemas['Invoice'] = {
  id: 7,
  number: 'INV-2026-000007',
  status: 'issued',
  customer_id: 5,
  account_number: '1000005',
  customer_name: 'Ana Lima',
  currency: 'USD',
  subtotal: '55.00',
  tax_total: '11.00',
  total: '66.00',
  amount_paid: '0.00',
  amount_credited: '12.00',
  amount_due: '54.00',
  overdue: false,
  version: 3,
  created_at: '2026-11-01T00:00:00Z',
  lines: [invoiceLine(10, '50.00'), invoiceLine(11, '10.00', '10.00'), invoiceLine(12, '-5.00')],
  taxes: [],
  credit_notes: [],
};

const form = (values: Partial<CreditFormValues>): CreditFormValues => ({ ...emptyCreditForm(), reason: 'Outage on 3 Nov', ...values });

describe('what may be credited', () => {
  it('lines with something left, and the gross left on the invoice', () => {
    expect(creditableLines(invoice).map((l) => [l.id, l.left])).toEqual([[10, '50.00']]);
    expect(openAmount(invoice)).toBe('54.00');
  });

  it('credit an issued or paid invoice with something left; void only an untouched issued one', () => {
    expect(canCredit(invoice)).toBe(true);
    expect(canCredit({ ...invoice, status: 'draft' })).toBe(false);
    expect(canCredit({ ...invoice, status: 'paid' })).toBe(true);
    expect(canCredit({ ...invoice, amount_credited: '66.00' })).toBe(false);
    expect(canVoid(invoice)).toBe(false);
    expect(canVoid({ ...invoice, amount_credited: '0.00' })).toBe(true);
    expect(canVoid({ ...invoice, amount_credited: '0.00', amount_paid: '1.00' })).toBe(false);
    expect(canVoid({ ...invoice, amount_credited: '0.00', status: 'partially_paid' })).toBe(false);
  });
});

describe('the credit form', () => {
  it('needs a reason', () => {
    const problems = creditProblems(form({ reason: '   ' }), invoice);
    expect(problems.reason).toMatch(/^Say why/);
    expect(hasProblems(problems)).toBe(true);
    expect(creditProblems(form({ reason: 'x'.repeat(501) }), invoice).reason).toBe('At most 500 characters');
    expect(hasProblems(creditProblems(form({}), invoice))).toBe(false);
  });

  it('an amount: positive, whole cents, no more than is left', () => {
    const problem = (amount: string) => creditProblems(form({ mode: 'amount', amount }), invoice).amount;
    expect(problem('')).toBe('Enter an amount');
    expect(problem('ten')).toMatch(/^Not an amount/);
    expect(problem('1.005')).toBe('At most 2 decimals');
    expect(problem('0')).toBe('More than zero');
    expect(problem('54.01')).toMatch(/^At most .*54\.00 is left to credit$/);
    expect(problem('54')).toBeUndefined();
    expect(problem('.5')).toBeUndefined();
  });

  it('lines: at least one, each in full or by a net amount up to what is left of it', () => {
    expect(creditProblems(form({ mode: 'lines' }), invoice).lines).toBe('Choose at least one line');
    const tooMuch = creditProblems(form({ mode: 'lines', lines: { 10: { selected: true, amount: '50.01' } } }), invoice);
    expect(tooMuch.line[10]).toMatch(/50\.00 is left to credit$/);
    expect(tooMuch.lines).toBeUndefined();
    // A line not chosen is not checked, whatever is typed in it.
    const fine = creditProblems(form({ mode: 'lines', lines: { 10: { selected: true, amount: '' }, 11: { selected: false, amount: 'x' } } }), invoice);
    expect(hasProblems(fine)).toBe(false);
  });

  it('becomes the request the API takes', () => {
    expect(creditRequest(form({ reason: '  Outage  ' }), invoice)).toEqual({ mode: 'full', reason: 'Outage' });
    expect(creditRequest(form({ mode: 'amount', amount: ' 15.00 ' }), invoice)).toEqual({
      mode: 'amount',
      reason: 'Outage on 3 Nov',
      amount: '15.00',
    });
    expect(creditRequest(form({ mode: 'lines', lines: { 10: { selected: true, amount: '20' } } }), invoice)).toEqual({
      mode: 'lines',
      reason: 'Outage on 3 Nov',
      lines: [{ invoice_line_id: 10, amount: '20' }],
    });
    // Blank: all that is left of the line, which the API takes when there is no amount.
    expect(creditRequest(form({ mode: 'lines', lines: { 10: { selected: true, amount: '' } } }), invoice).lines).toEqual([
      { invoice_line_id: 10 },
    ]);
  });

  it('previews the credit note total with tax per line, as the API works it out', () => {
    expect(creditPreview(form({ mode: 'lines', lines: { 10: { selected: true, amount: '20.05' } } }), invoice)).toEqual({
      net: '20.05',
      tax: '4.01',
      total: '24.06',
    });
    expect(creditPreview(form({ mode: 'full' }), invoice)).toEqual({ net: '50.00', tax: '10.00', total: '60.00' });
    expect(creditPreview(form({ mode: 'amount', amount: '15' }), invoice)).toEqual({ net: '', tax: '', total: '15.00' });
    expect(creditPreview(form({ mode: 'amount', amount: '99' }), invoice)).toBeNull();
  });
});

describe("the API's refusal", () => {
  const request = { mode: 'lines', reason: 'r', lines: [{ invoice_line_id: 10 }, { invoice_line_id: 12, amount: '1' }] };

  it('goes next to the line it is about', () => {
    const error = new ApiError({
      type: 'about:blank',
      title: 'Unprocessable',
      status: 422,
      detail: 'validation failed',
      code: 'validation_failed',
      errors: [{ field: 'lines[1]', code: 'exceeds_line', message: 'at most 0 is left to credit on this line' }],
    });
    const problems = serverCreditProblems(error, request);
    expect(problems.line).toEqual({ 12: 'At most 0 is left to credit on this line' });
    expect(problems.form).toBeUndefined();
  });

  it('a conflict belongs to the whole form', () => {
    const error = new ApiError({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'the invoice was changed by someone else; reload it',
      code: 'version_conflict',
    });
    expect(serverCreditProblems(error, request)).toEqual({ line: {}, form: 'The invoice was changed by someone else; reload it' });
  });
});
