/**
 * The catalog forms' values, their checks before the API is asked, and the requests they
 * make. Pure functions, tested without rendering.
 */
import type { CreateProductInput } from './api/create-product';
import type { CreatePromotionInput } from './api/create-promotion';
import type { ProductKind, ProductVersion } from './api/get-products';
import type { Promotion } from './api/get-promotions';
import { formatMoney } from './format';
import {
  CODE_PATTERN,
  codeProblem,
  currencyProblem,
  emptyTerms,
  isInThePast,
  localDateTimeToIso,
  RADIUS_GROUP_PATTERN,
  TAX_CATEGORY_PATTERN,
  termsInput,
  termsProblems,
  ZONE_PATTERN,
  type Errors,
  type TermsValues,
} from './validation';

export type Service = 'internet' | 'voice' | 'tv';

export interface ProductFormValues extends TermsValues {
  code: string;
  name: string;
  kind: ProductKind;
  service: Service | null;
  description: string;
  tax_category: string;
  radius_group: string;
  currency: string;
  valid_from: string;
}

/** Every problem the form can see before asking the API. */
export function productFormProblems(values: ProductFormValues): Errors {
  const errors: Errors = {};
  const code = codeProblem(values.code);
  if (code) errors.code = code;
  if (values.name.trim() === '') errors.name = 'Enter a name';
  if (values.kind === 'plan' && values.service === null) errors.service = 'Pick the service the plan delivers';
  if (!TAX_CATEGORY_PATTERN.test(values.tax_category.trim())) {
    errors.tax_category = 'Lower-case letters, digits or _, e.g. telecom';
  }
  if (values.radius_group.trim() !== '' && !RADIUS_GROUP_PATTERN.test(values.radius_group.trim())) {
    errors.radius_group = 'Letters, digits, _, . or - (up to 64)';
  }
  const currency = currencyProblem(values.currency);
  if (currency) errors.currency = currency;
  if (isInThePast(values.valid_from)) errors.valid_from = 'Must not be in the past';
  return { ...errors, ...termsProblems(values.kind, values) };
}

/** The request the form's values make. */
export function productInput(values: ProductFormValues): CreateProductInput {
  const plan = values.kind === 'plan';
  const description = values.description.trim();
  const radiusGroup = values.radius_group.trim();
  const validFrom = localDateTimeToIso(values.valid_from);
  return {
    code: values.code.trim().toUpperCase(),
    kind: values.kind,
    service: plan ? values.service : null,
    name: values.name.trim(),
    description: description === '' ? null : description,
    tax_category: values.tax_category.trim(),
    radius_group: plan && radiusGroup !== '' ? radiusGroup : null,
    currency: values.currency.trim(),
    ...termsInput(values.kind, values),
    ...(validFrom === null ? {} : { valid_from: validFrom }),
  };
}

const text = (value: string | number | null | undefined) => (value == null ? '' : String(value));

/** The form starts from the terms of the version on sale now. */
export function termsOf(version: ProductVersion | null | undefined): TermsValues {
  if (!version) return emptyTerms;
  return {
    monthly_price: version.monthly_price,
    one_time_price: version.one_time_price,
    download_mbps: text(version.download_mbps),
    upload_mbps: text(version.upload_mbps),
    data_cap_gb: text(version.data_cap_gb),
    overage_per_gb: text(version.overage_per_gb),
    contract_months: text(version.contract_months),
    early_termination_fee: version.early_termination_fee,
  };
}

/** `50% off` or `5.00 USD off`, for N cycles or forever. */
export function describeDiscount(p: Promotion): string {
  const off = p.kind === 'percent' ? `${p.value}% off` : `${formatMoney(p.value, p.currency)} off`;
  if (p.cycles == null) return `${off}, forever`;
  return `${off} for ${p.cycles} ${p.cycles === 1 ? 'cycle' : 'cycles'}`;
}

export interface PromotionFormValues {
  code: string;
  name: string;
  kind: 'percent' | 'amount';
  value: string;
  currency: string;
  cycles: string;
  valid_from: string;
  valid_to: string;
  product_ids: string[];
}

const VALUE_PATTERN = /^\d{1,10}(\.\d{1,4})?$/;

export function promotionFormProblems(v: PromotionFormValues): Errors {
  const errors: Errors = {};
  if (v.code.trim() !== '' && !CODE_PATTERN.test(v.code.trim().toUpperCase())) {
    errors.code = 'Letters, digits, _ or -, starting with a letter or digit (up to 40)';
  }
  if (v.name.trim() === '') errors.name = 'Enter a name';
  const value = v.value.trim();
  if (!VALUE_PATTERN.test(value) || Number(value) <= 0) {
    errors.value = 'A number above 0';
  } else if (v.kind === 'percent' && Number(value) > 100) {
    errors.value = 'A percentage is at most 100';
  }
  if (v.kind === 'amount') {
    const currency = currencyProblem(v.currency);
    if (currency) errors.currency = currency;
  }
  const cycles = v.cycles.trim();
  if (cycles !== '' && (!/^\d+$/.test(cycles) || Number(cycles) < 1 || Number(cycles) > 120)) {
    errors.cycles = 'Between 1 and 120, or empty for forever';
  }
  const from = localDateTimeToIso(v.valid_from);
  const to = localDateTimeToIso(v.valid_to);
  if (to !== null && new Date(to).getTime() <= new Date(from ?? Date.now()).getTime()) {
    errors.valid_to = 'Must be after the start';
  }
  if (v.product_ids.length === 0) errors.product_ids = 'Pick at least one plan or add-on';
  return errors;
}

export function promotionInput(v: PromotionFormValues): CreatePromotionInput {
  const from = localDateTimeToIso(v.valid_from);
  const to = localDateTimeToIso(v.valid_to);
  return {
    code: v.code.trim() === '' ? null : v.code.trim().toUpperCase(),
    name: v.name.trim(),
    kind: v.kind,
    value: v.value.trim(),
    currency: v.kind === 'amount' ? v.currency.trim() : null,
    cycles: v.cycles.trim() === '' ? null : Number(v.cycles.trim()),
    ...(from === null ? {} : { valid_from: from }),
    valid_to: to,
    product_ids: v.product_ids.map(Number),
  };
}

export const DAY = /^\d{4}-\d{2}-\d{2}$/;

const RATE = /^\d{1,3}(\.\d{1,4})?$/;

/** Today in the browser's calendar, as YYYY-MM-DD. */
export function today(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export interface TaxRateFormValues {
  zone: string;
  category: string;
  name: string;
  rate: string;
  valid_from: string;
  valid_to: string;
}

export function taxRateFormProblems(v: TaxRateFormValues): Errors {
  const errors: Errors = {};
  if (!ZONE_PATTERN.test(v.zone.trim().toUpperCase())) errors.zone = 'Letters, digits, _ or -, e.g. DEFAULT';
  if (!TAX_CATEGORY_PATTERN.test(v.category.trim())) errors.category = 'Lower-case letters, digits or _, e.g. telecom';
  if (v.name.trim() === '') errors.name = 'Enter a name';
  if (!RATE.test(v.rate.trim()) || Number(v.rate) > 100) errors.rate = 'A percentage between 0 and 100';
  if (!DAY.test(v.valid_from)) errors.valid_from = 'Pick the first day';
  if (v.valid_to !== '' && DAY.test(v.valid_from) && v.valid_to <= v.valid_from) {
    errors.valid_to = 'Must be after the first day';
  }
  return errors;
}
