/**
 * A dry run's sample: the first invoices it would make. The API documents `sample` only as
 * a list of objects (api/src/services/billing/run.rs `preview`), so it is read here field by
 * field, and anything unexpected is left out rather than shown wrong.
 */

export interface SampleLine {
  kind: string;
  description: string;
  periodStart: string | null;
  periodEnd: string | null;
  amount: string;
  taxRate: string;
  taxAmount: string;
}

export interface SampleInvoice {
  customerId: number;
  currency: string;
  periodStart: string | null;
  periodEnd: string | null;
  subtotal: string;
  taxTotal: string;
  total: string;
  lines: SampleLine[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (o: Json, key: string): string | null => (typeof o[key] === 'string' ? (o[key]) : null);
const day = (o: Json, key: string): string | null => str(o, key);

function readLine(value: unknown): SampleLine | null {
  if (!isObject(value)) return null;
  const kind = str(value, 'kind');
  const description = str(value, 'description');
  const amount = str(value, 'amount');
  if (kind === null || description === null || amount === null) return null;
  return {
    kind,
    description,
    periodStart: day(value, 'period_start'),
    periodEnd: day(value, 'period_end'),
    amount,
    taxRate: str(value, 'tax_rate') ?? '0',
    taxAmount: str(value, 'tax_amount') ?? '0',
  };
}

function readInvoice(value: unknown): SampleInvoice | null {
  if (!isObject(value)) return null;
  const customerId = value.customer_id;
  const currency = str(value, 'currency');
  const total = str(value, 'total');
  if (typeof customerId !== 'number' || currency === null || total === null) return null;
  const lines = Array.isArray(value.lines) ? value.lines.map(readLine).filter((l): l is SampleLine => l !== null) : [];
  return {
    customerId,
    currency,
    periodStart: day(value, 'period_start'),
    periodEnd: day(value, 'period_end'),
    subtotal: str(value, 'subtotal') ?? total,
    taxTotal: str(value, 'tax_total') ?? '0',
    total,
    lines,
  };
}

export function readSample(sample: unknown): SampleInvoice[] {
  if (!Array.isArray(sample)) return [];
  return sample.map(readInvoice).filter((invoice): invoice is SampleInvoice => invoice !== null);
}
