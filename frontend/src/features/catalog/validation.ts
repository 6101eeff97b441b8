/**
 * The catalog's form rules, checked before the API is asked (which checks them again):
 * the same formats as the database's CHECK constraints and the API's field errors.
 */
import type { ProductKind } from './api/get-products';

export const CODE_PATTERN = /^[A-Z0-9][A-Z0-9_-]{0,39}$/;
export const TAX_CATEGORY_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
export const ZONE_PATTERN = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
export const RADIUS_GROUP_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const CURRENCY_PATTERN = /^[A-Z]{3}$/;
/** A non-negative amount with at most four decimals, as the API keeps them. */
const AMOUNT_PATTERN = /^\d{1,10}(\.\d{1,4})?$/;
const WHOLE_PATTERN = /^\d+$/;

export type Errors = Record<string, string>;

export function codeProblem(value: string): string | null {
  return CODE_PATTERN.test(value.trim().toUpperCase())
    ? null
    : 'Letters, digits, _ or -, starting with a letter or digit (up to 40)';
}

export function currencyProblem(value: string): string | null {
  return CURRENCY_PATTERN.test(value.trim()) ? null : 'A three-letter ISO code, e.g. USD';
}

export function amountProblem(value: string, { required = true } = {}): string | null {
  const v = value.trim();
  if (v === '') return required ? 'Enter an amount' : null;
  return AMOUNT_PATTERN.test(v) ? null : 'A non-negative amount, e.g. 29.00';
}

function positiveWhole(value: string, { required }: { required: boolean }): string | null {
  const v = value.trim();
  if (v === '') return required ? 'Required' : null;
  return WHOLE_PATTERN.test(v) && Number(v) > 0 ? null : 'A whole number above 0';
}

/** The prices and terms of a version, as the product and price forms hold them. */
export interface TermsValues {
  monthly_price: string;
  one_time_price: string;
  download_mbps: string;
  upload_mbps: string;
  data_cap_gb: string;
  overage_per_gb: string;
  contract_months: string;
  early_termination_fee: string;
}

export const emptyTerms: TermsValues = {
  monthly_price: '',
  one_time_price: '0',
  download_mbps: '',
  upload_mbps: '',
  data_cap_gb: '',
  overage_per_gb: '',
  contract_months: '0',
  early_termination_fee: '0',
};

/** What is wrong with the terms of a product of `kind`, by field. */
export function termsProblems(kind: ProductKind, t: TermsValues): Errors {
  const errors: Errors = {};
  const set = (field: keyof TermsValues, problem: string | null) => {
    if (problem !== null && errors[field] === undefined) errors[field] = problem;
  };
  if (kind !== 'one_time') set('monthly_price', amountProblem(t.monthly_price));
  set('one_time_price', amountProblem(t.one_time_price));
  if (kind === 'plan') {
    set('download_mbps', positiveWhole(t.download_mbps, { required: true }));
    set('upload_mbps', positiveWhole(t.upload_mbps, { required: true }));
    set('data_cap_gb', positiveWhole(t.data_cap_gb, { required: false }));
    set('overage_per_gb', amountProblem(t.overage_per_gb, { required: t.data_cap_gb.trim() !== '' }));
    if (t.data_cap_gb.trim() === '' && t.overage_per_gb.trim() !== '') {
      set('overage_per_gb', 'Only with a data cap');
    }
  }
  if (kind !== 'one_time') {
    const months = t.contract_months.trim();
    if (!WHOLE_PATTERN.test(months) || Number(months) > 120) {
      set('contract_months', 'Between 0 and 120 months');
    }
    set('early_termination_fee', amountProblem(t.early_termination_fee));
    if (Number(months) === 0 && Number(t.early_termination_fee) > 0) {
      set('early_termination_fee', 'Needs a contract (contract months above 0)');
    }
  }
  return errors;
}

const optionalWhole = (v: string) => (v.trim() === '' ? null : Number(v.trim()));
const optionalAmount = (v: string) => (v.trim() === '' ? null : v.trim());

/** The terms as the API takes them: amounts as strings, absent speeds and caps as null. */
export function termsInput(kind: ProductKind, t: TermsValues) {
  const plan = kind === 'plan';
  const recurring = kind !== 'one_time';
  return {
    monthly_price: recurring ? t.monthly_price.trim() : '0',
    one_time_price: t.one_time_price.trim(),
    download_mbps: plan ? optionalWhole(t.download_mbps) : null,
    upload_mbps: plan ? optionalWhole(t.upload_mbps) : null,
    data_cap_gb: plan ? optionalWhole(t.data_cap_gb) : null,
    overage_per_gb: plan ? optionalAmount(t.overage_per_gb) : null,
    contract_months: recurring ? Number(t.contract_months.trim() || '0') : 0,
    early_termination_fee: recurring ? t.early_termination_fee.trim() || '0' : '0',
  };
}

/** A `datetime-local` value (the browser's local time) as an RFC 3339 instant; `null` when empty. */
export function localDateTimeToIso(value: string): string | null {
  if (value.trim() === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Whether a `datetime-local` value is before now (a minute of slack for the time it takes to submit). */
export function isInThePast(value: string, now = new Date()): boolean {
  const iso = localDateTimeToIso(value);
  return iso !== null && new Date(iso).getTime() < now.getTime() - 60_000;
}
