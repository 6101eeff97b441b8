/**
 * "Why is my bill this amount": each invoice line told in plain words, with the figures
 * of the rule that produced it (the API's `rule`, see api/src/domain/billing.rs), and how
 * the lines add up to the total. Written for someone explaining a bill on the phone.
 */
import type { Schemas } from '@/lib/api/types';
import { formatDate, formatMoney } from '@/lib/format';
import { chargeKindLabel, lineKindLabel } from './labels';
import { addAmounts, isPositive } from './money';

type InvoiceLine = Schemas['InvoiceLine'];
type Invoice = Schemas['Invoice'];

/** An ISO day `days` later (or earlier), through UTC so no time zone moves it. */
export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Days from `start` up to (not including) `end`. */
export function daysBetween(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000);
}

const rangeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const utcDay = (isoDate: string) => new Date(`${isoDate}T00:00:00Z`);

/**
 * A period as people read it ("Nov 17 – 30, 2026"): the API's end is exclusive (the next
 * period's first day), so the last day shown is the day before it. Null when there is none.
 */
export function formatPeriod(start: string | null | undefined, endExclusive: string | null | undefined): string | null {
  if (start == null || endExclusive == null) return null;
  const last = addDays(endExclusive, -1);
  if (last <= start) return formatDate(start);
  return rangeFormat.formatRange(utcDay(start), utcDay(last));
}

/** The period with its length: "1 Nov 2026 – 30 Nov 2026 (30 days)". */
export function formatPeriodWithDays(start: string | null | undefined, endExclusive: string | null | undefined): string | null {
  const period = formatPeriod(start, endExclusive);
  if (period === null || start == null || endExclusive == null) return period;
  const days = daysBetween(start, endExclusive);
  return `${period} (${days} ${days === 1 ? 'day' : 'days'})`;
}

type Rule = Record<string, unknown>;

function num(rule: Rule, key: string): number | null {
  const value = rule[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function text(rule: Rule, key: string): string | null {
  const value = rule[key];
  return typeof value === 'string' ? value : null;
}

const BYTES_PER_GB = 1_000_000_000;
const gbFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const smallGbFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 3 });

/** Octets as decimal GB (the cap's unit): 112,300,000,000 → "112.3 GB". */
export function formatGb(octets: number): string {
  const gb = octets / BYTES_PER_GB;
  return `${(gb < 1 ? smallGbFormat : gbFormat).format(gb)} GB`;
}

const RULE_TITLES: Record<string, string> = {
  full_period: 'Whole period, billed in advance',
  remaining_days: 'Rest of the period, billed in advance',
  promotion: 'Promotion',
  usage_over_cap: 'Data over the cap, billed after the period',
  days_before_change: 'Old price for the days before a change',
  promotion_before_change: 'Old promotion for the days before a change',
  credit_unused_days: 'Credit for days paid and not used',
  promotion_reversed: 'Promotion taken back for the unused days',
  charge_remaining_days: 'New price for the rest of the period',
  promotion_remaining_days: 'Promotion for the rest of the period',
  one_time: 'One-time charge',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The rule's figures, short: "15 of 31 days", "112.3 GB used", "100 GB cap" … */
export function ruleFigures(rule: Rule | null | undefined, currency: string): string[] {
  if (rule == null) return [];
  const money = (key: string) => {
    const value = text(rule, key);
    return value === null ? null : formatMoney(value, currency);
  };
  const days = num(rule, 'days');
  const periodDays = num(rule, 'period_days');
  const monthly = money('monthly');
  const share = days !== null && periodDays !== null ? `${days} of ${periodDays} days` : null;
  // The whole billing period the days are a part of (the line's own period is those days).
  const periodStart = text(rule, 'period_start');
  const billingPeriod = formatPeriod(periodStart, text(rule, 'period_end'));
  const ofPeriod = billingPeriod === null ? null : `Billing period ${billingPeriod}`;
  const prorated =
    monthly !== null && days !== null && periodDays !== null ? `${monthly} a month × ${days} / ${periodDays}` : null;
  const figures: (string | null)[] = [];
  switch (text(rule, 'rule')) {
    case 'full_period':
      figures.push(periodDays === null ? 'Whole period' : `Whole period of ${plural(periodDays, 'day')}`);
      figures.push(monthly === null ? null : `${monthly} a month`);
      break;
    case 'remaining_days':
    case 'days_before_change':
    case 'promotion_before_change':
    case 'credit_unused_days':
    case 'promotion_reversed':
    case 'charge_remaining_days':
    case 'promotion_remaining_days':
      figures.push(share, prorated, ofPeriod);
      break;
    case 'promotion': {
      figures.push(monthly === null ? null : `Promotion ${monthly}/month off`);
      const partial = days !== null && periodDays !== null && days < periodDays;
      figures.push(partial ? share : 'Whole period');
      if (partial) figures.push(ofPeriod);
      const left = rule.cycles_left_after;
      if (typeof left === 'number') {
        figures.push(left === 0 ? 'Last discounted month' : `${plural(left, 'discounted month')} left after this one`);
      } else {
        figures.push('The promotion has no end');
      }
      break;
    }
    case 'usage_over_cap': {
      const octets = num(rule, 'octets');
      const cap = num(rule, 'cap_gb');
      const over = num(rule, 'over_octets');
      const billed = num(rule, 'billed_gb');
      const perGb = money('per_gb');
      figures.push(
        octets === null ? null : `${formatGb(octets)} used`,
        cap === null ? null : `${cap} GB cap`,
        over === null ? null : `${formatGb(over)} over the cap`,
        billed === null ? null : `${billed} GB billed (every GB or part of one)`,
        perGb === null ? null : `${perGb} per GB`,
      );
      break;
    }
    case 'one_time': {
      // The title says "one-time charge" already; only a more precise kind adds anything.
      const kind = text(rule, 'kind');
      figures.push(kind === null || kind === 'one_time' ? null : chargeKindLabel(kind));
      break;
    }
    default:
      break;
  }
  return figures.filter((figure): figure is string => figure !== null);
}

/** A percentage as the API may send it ("8.2500") without its trailing zeros: "8.25%". */
export function formatPercent(rate: string): string {
  const trimmed = rate.includes('.') ? rate.replace(/0+$/, '').replace(/\.$/, '') : rate;
  return `${trimmed}%`;
}

/** The tax of a line: "VAT 20% on $50.00 = $10.00", or that there is none. */
export function describeLineTax(line: Pick<InvoiceLine, 'amount' | 'tax_rate' | 'tax_name' | 'tax_amount'>, currency: string): string {
  if (!isPositive(line.tax_rate)) {
    return line.tax_name === '' ? 'No tax' : `No tax (${line.tax_name}, 0%)`;
  }
  const name = line.tax_name === '' ? 'Tax' : line.tax_name;
  return `${name} ${formatPercent(line.tax_rate)} on ${formatMoney(line.amount, currency)} = ${formatMoney(line.tax_amount, currency)}`;
}

/** "One-time charge." under the heading "One-time charge" says nothing new. */
function repeats(explanation: string, title: string): boolean {
  const plain = (text: string) => text.trim().replace(/\.$/, '').toLowerCase();
  return plain(explanation) === plain(title);
}

export interface LineExplanation {
  id: number;
  position: number;
  /** What kind of rule produced the line, as a heading. */
  title: string;
  description: string;
  /** The period with its length, end shown inclusive; null for a line without one. */
  period: string | null;
  /** The rule in words, as the API wrote it. */
  explanation: string;
  figures: string[];
  tax: string;
  net: string;
  taxAmount: string;
  /** Net plus tax. */
  gross: string;
  /** What has been credited on the line so far (net); null when nothing. */
  credited: string | null;
  negative: boolean;
}

export function explainLine(line: InvoiceLine, currency: string): LineExplanation {
  const rule = line.rule ?? null;
  const ruleName = rule === null ? null : text(rule, 'rule');
  const title = (ruleName !== null ? RULE_TITLES[ruleName] : undefined) ?? lineKindLabel(line.kind);
  return {
    id: line.id,
    position: line.position,
    title,
    description: line.description,
    period: formatPeriodWithDays(line.period_start, line.period_end),
    explanation: repeats(line.explanation, title) ? '' : line.explanation,
    figures: ruleFigures(rule, currency),
    tax: describeLineTax(line, currency),
    net: formatMoney(line.amount, currency),
    taxAmount: formatMoney(line.tax_amount, currency),
    gross: formatMoney(addAmounts(line.amount, line.tax_amount), currency),
    credited: isPositive(line.credited) ? formatMoney(line.credited, currency) : null,
    negative: line.amount.startsWith('-'),
  };
}

export interface TotalsStep {
  /** `+`, `−` or `=` in front of the amount; empty for the first step. */
  sign: '' | '+' | '−' | '=';
  label: string;
  amount: string;
  /** The lines a reader stops at: the total and what is due. */
  strong: boolean;
}

/**
 * How the total comes about: the lines' net sum, plus the tax at each rate, makes the
 * total; less credits and payments, the amount due.
 */
export function totalsWalkthrough(
  invoice: Pick<
    Invoice,
    'status' | 'currency' | 'subtotal' | 'taxes' | 'total' | 'amount_credited' | 'amount_paid' | 'amount_due' | 'lines'
  >,
): TotalsStep[] {
  const money = (amount: string) => formatMoney(amount, invoice.currency);
  const steps: TotalsStep[] = [
    {
      sign: '',
      label: `${plural(invoice.lines.length, 'line')}, before tax`,
      amount: money(invoice.subtotal),
      strong: false,
    },
  ];
  for (const tax of invoice.taxes) {
    steps.push({
      sign: '+',
      label: `${tax.name === '' ? 'Tax' : tax.name} ${formatPercent(tax.rate)} on ${money(tax.base)}`,
      amount: money(tax.tax),
      strong: false,
    });
  }
  steps.push({ sign: '=', label: 'Invoice total', amount: money(invoice.total), strong: true });
  if (invoice.status === 'draft' || invoice.status === 'void') return steps;
  if (isPositive(invoice.amount_credited)) {
    steps.push({ sign: '−', label: 'Credited (credit notes)', amount: money(invoice.amount_credited), strong: false });
  }
  if (isPositive(invoice.amount_paid)) {
    steps.push({ sign: '−', label: 'Paid', amount: money(invoice.amount_paid), strong: false });
  }
  steps.push({ sign: '=', label: 'Amount due', amount: money(invoice.amount_due), strong: true });
  return steps;
}
