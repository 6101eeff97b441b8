/**
 * The credit dialog's rules: what may be credited on an invoice and how a filled-in form
 * becomes a `CreditNoteRequest`. The API checks the same things (and has the last word);
 * checking here first lets the dialog say what is wrong next to the field.
 *
 * Three ways to credit: `full` (everything left), `lines` (chosen lines, each in full or by
 * a net amount, tax added at the line's rate) and `amount` (a gross amount, tax included,
 * spread over the invoice's tax rates).
 */
import { errorMessage, fieldErrorsByPath, isApiError } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import { formatMoney } from '@/lib/format';
import { addAmounts, fromUnits, isPositive, minorDigits, subtractAmounts, taxOn, toUnits } from './money';

type Invoice = Schemas['Invoice'];
export type CreditNoteRequest = Schemas['CreditNoteRequest'];

export type CreditMode = 'full' | 'lines' | 'amount';

export const REASON_MAX = 500;

export interface CreditLineChoice {
  selected: boolean;
  /** Net amount to credit; empty: all that is left of the line. */
  amount: string;
}

export interface CreditFormValues {
  mode: CreditMode;
  reason: string;
  /** Gross, for mode `amount`. */
  amount: string;
  /** By invoice line id. */
  lines: Record<number, CreditLineChoice>;
}

export interface CreditableLine {
  id: number;
  description: string;
  /** Net amount not yet credited. */
  left: string;
  taxRate: string;
  taxName: string;
}

/** Lines with something left to credit (a discount line never has). */
export function creditableLines(invoice: Pick<Invoice, 'lines'>): CreditableLine[] {
  return invoice.lines
    .map((line) => ({
      id: line.id,
      description: line.description,
      left: subtractAmounts(line.amount, line.credited),
      taxRate: line.tax_rate,
      taxName: line.tax_name,
    }))
    .filter((line) => isPositive(line.left));
}

/** What is left to credit on the whole invoice, tax included. */
export function openAmount(invoice: Pick<Invoice, 'total' | 'amount_credited'>): string {
  return subtractAmounts(invoice.total, invoice.amount_credited);
}

/** Whether an invoice can be credited at all: issued (paid or not), with something left. */
export function canCredit(invoice: Pick<Invoice, 'status' | 'total' | 'amount_credited'>): boolean {
  return invoice.status !== 'draft' && invoice.status !== 'void' && isPositive(openAmount(invoice));
}

/** Void is for a mistake nobody acted on: issued, nothing paid, nothing credited. */
export function canVoid(invoice: Pick<Invoice, 'status' | 'amount_paid' | 'amount_credited'>): boolean {
  return invoice.status === 'issued' && !isPositive(invoice.amount_paid) && !isPositive(invoice.amount_credited);
}

export function emptyCreditForm(): CreditFormValues {
  return { mode: 'full', reason: '', amount: '', lines: {} };
}

export interface CreditProblems {
  reason?: string;
  amount?: string;
  /** About the choice of lines as a whole (none chosen). */
  lines?: string;
  /** By invoice line id. */
  line: Record<number, string>;
  /** Anything else the API said that belongs to no field. */
  form?: string;
}

export function hasProblems(problems: CreditProblems): boolean {
  return (
    problems.reason !== undefined ||
    problems.amount !== undefined ||
    problems.lines !== undefined ||
    problems.form !== undefined ||
    Object.keys(problems.line).length > 0
  );
}

/** A problem with an amount typed in, or null: positive, whole minor units, at most `max`. */
function amountProblem(value: string, max: string, currency: string): string | null {
  const digits = minorDigits(currency);
  const trimmed = value.trim();
  if (trimmed === '') return 'Enter an amount';
  if (toUnits(trimmed, 12) === null) return `Not an amount; write it like ${fromUnits(1500n * 10n ** BigInt(digits) / 100n, digits)}`;
  const units = toUnits(trimmed, digits);
  if (units === null) return digits === 0 ? 'No decimals in this currency' : `At most ${digits} decimals`;
  if (units <= 0n) return 'More than zero';
  if (units > (toUnits(max, digits) ?? 0n)) return `At most ${formatMoney(max, currency)} is left to credit`;
  return null;
}

/** What is wrong with the form, field by field (nothing: `hasProblems` is false). */
export function creditProblems(values: CreditFormValues, invoice: Invoice): CreditProblems {
  const problems: CreditProblems = { line: {} };
  const reason = values.reason.trim();
  if (reason === '') problems.reason = 'Say why: the customer sees it on the credit note';
  else if ([...reason].length > REASON_MAX) problems.reason = `At most ${REASON_MAX} characters`;

  if (values.mode === 'amount') {
    const problem = amountProblem(values.amount, openAmount(invoice), invoice.currency);
    if (problem !== null) problems.amount = problem;
  } else if (values.mode === 'lines') {
    const chosen = creditableLines(invoice).filter((line) => values.lines[line.id]?.selected === true);
    if (chosen.length === 0) problems.lines = 'Choose at least one line';
    for (const line of chosen) {
      const amount = values.lines[line.id]?.amount.trim() ?? '';
      if (amount === '') continue;
      const problem = amountProblem(amount, line.left, invoice.currency);
      if (problem !== null) problems.line[line.id] = problem;
    }
  } else if (!isPositive(openAmount(invoice))) {
    problems.form = 'Nothing is left to credit on this invoice.';
  }
  return problems;
}

/** The request for a form without problems. */
export function creditRequest(values: CreditFormValues, invoice: Invoice): CreditNoteRequest {
  const reason = values.reason.trim();
  switch (values.mode) {
    case 'full':
      return { mode: 'full', reason };
    case 'amount':
      return { mode: 'amount', reason, amount: values.amount.trim() };
    case 'lines':
      return {
        mode: 'lines',
        reason,
        lines: creditableLines(invoice)
          .filter((line) => values.lines[line.id]?.selected === true)
          .map((line) => {
            const amount = values.lines[line.id]?.amount.trim() ?? '';
            return amount === '' ? { invoice_line_id: line.id } : { invoice_line_id: line.id, amount };
          }),
      };
  }
}

export interface CreditPreview {
  net: string;
  tax: string;
  total: string;
}

/**
 * What the credit note will come to, as the API works it out: for lines, each line's net
 * plus its tax (rounded per line); for an amount, the amount itself (tax included). Null
 * while the form cannot be worked out.
 */
export function creditPreview(values: CreditFormValues, invoice: Invoice): CreditPreview | null {
  if (values.mode === 'amount') {
    if (amountProblem(values.amount, openAmount(invoice), invoice.currency) !== null) return null;
    const digits = minorDigits(invoice.currency);
    const total = fromUnits(toUnits(values.amount.trim(), digits) ?? 0n, digits);
    return { net: '', tax: '', total };
  }
  const lines = creditableLines(invoice).filter((line) => values.mode === 'full' || values.lines[line.id]?.selected === true);
  if (lines.length === 0) return null;
  const nets: string[] = [];
  const taxes: string[] = [];
  for (const line of lines) {
    const typed = values.mode === 'lines' ? (values.lines[line.id]?.amount.trim() ?? '') : '';
    if (typed !== '' && amountProblem(typed, line.left, invoice.currency) !== null) return null;
    const digits = minorDigits(invoice.currency);
    const net = typed === '' ? line.left : fromUnits(toUnits(typed, digits) ?? 0n, digits);
    nets.push(net);
    taxes.push(taxOn(net, line.taxRate, invoice.currency));
  }
  const net = addAmounts(...nets);
  const tax = addAmounts(...taxes);
  return { net, tax, total: addAmounts(net, tax) };
}

/**
 * The API's refusal, put next to the fields it is about: `lines[i]` is the i-th line of
 * the request, `amount` and `reason` their fields; anything else (a conflict, a stale
 * version) is for the whole form.
 */
export function serverCreditProblems(error: unknown, request: CreditNoteRequest): CreditProblems {
  const problems: CreditProblems = { line: {} };
  const byPath = Object.entries(fieldErrorsByPath(error));
  let unplaced = byPath.length === 0 || !isApiError(error, 422);
  for (const [path, message] of byPath) {
    const match = /^lines\[(\d+)\]/.exec(path);
    const lineId = match ? request.lines?.[Number(match[1])]?.invoice_line_id : undefined;
    if (lineId !== undefined) problems.line[lineId] = message;
    else if (path === 'lines') problems.lines = message;
    else if (path === 'amount') problems.amount = message;
    else if (path === 'reason') problems.reason = message;
    else unplaced = true;
  }
  if (unplaced) problems.form = errorMessage(error);
  return problems;
}
