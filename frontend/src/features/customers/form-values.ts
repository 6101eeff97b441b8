import type { Schemas } from '@/lib/api/types';

/** The text fields of an address as a form holds them. */
export interface AddressValues {
  line1: string;
  line2: string;
  city: string;
  region: string;
  postal_code: string;
  country: string;
}

export const EMPTY_ADDRESS: AddressValues = { line1: '', line2: '', city: '', region: '', postal_code: '', country: 'US' };

export function isBlankAddress(a: AddressValues): boolean {
  return a.line1.trim() === '' && a.city.trim() === '' && a.postal_code.trim() === '';
}

/** The request body of an address; blank optional parts left out. */
export function addressInput(a: AddressValues) {
  const optional = (v: string) => (v.trim() === '' ? undefined : v.trim());
  const line2 = optional(a.line2);
  const region = optional(a.region);
  const postal = optional(a.postal_code);
  return {
    line1: a.line1.trim(),
    city: a.city.trim(),
    country: a.country.trim().toUpperCase(),
    ...(line2 ? { line2 } : {}),
    ...(region ? { region } : {}),
    ...(postal ? { postal_code: postal } : {}),
  };
}

/** Billing preferences as a form holds them. */
export interface BillingValues {
  cycle: Schemas['BillingCycle'];
  billing_day: string;
  invoice_delivery: Schemas['InvoiceDelivery'];
  autopay: boolean;
  currency: string;
  tax_zone: string;
  tax_exempt: boolean;
  tax_exemption_ref: string;
}

export const DEFAULT_BILLING: BillingValues = {
  cycle: 'calendar',
  billing_day: '1',
  invoice_delivery: 'email',
  autopay: false,
  currency: '',
  tax_zone: 'DEFAULT',
  tax_exempt: false,
  tax_exemption_ref: '',
};

export function billingValuesOf(b: Schemas['BillingPreferences']): BillingValues {
  return {
    cycle: b.cycle,
    billing_day: b.billing_day == null ? '1' : String(b.billing_day),
    invoice_delivery: b.invoice_delivery,
    autopay: b.autopay,
    currency: b.currency,
    tax_zone: b.tax_zone,
    tax_exempt: b.tax_exempt,
    tax_exemption_ref: b.tax_exemption_ref ?? '',
  };
}

/** The request body of billing preferences; the day only with a calendar cycle. */
export function billingInput(b: BillingValues): Schemas['BillingPreferencesRequest'] {
  const currency = b.currency.trim().toUpperCase();
  const zone = b.tax_zone.trim().toUpperCase();
  const reference = b.tax_exemption_ref.trim();
  return {
    cycle: b.cycle,
    ...(b.cycle === 'calendar' ? { billing_day: Number(b.billing_day) } : {}),
    invoice_delivery: b.invoice_delivery,
    autopay: b.autopay,
    ...(currency === '' ? {} : { currency }),
    ...(zone === '' ? {} : { tax_zone: zone }),
    tax_exempt: b.tax_exempt,
    tax_exemption_ref: reference === '' ? null : reference,
  };
}

/** Check the billing rules the API also enforces, so the person sees them at once. */
export function billingProblems(b: BillingValues, email: string): Partial<Record<string, string>> {
  return {
    'billing.invoice_delivery':
      b.invoice_delivery === 'email' && email.trim() === '' ? 'Email delivery needs an email address' : undefined,
    'billing.tax_exemption_ref':
      b.tax_exempt && b.tax_exemption_ref.trim() === '' ? 'Enter the exemption certificate or reference' : undefined,
  };
}

