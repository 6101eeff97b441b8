import type { Schemas } from '@/lib/api/types';

type Options<T extends string> = { value: T; label: string }[];

export const CHANNEL_OPTIONS: Options<Schemas['InteractionChannel']> = [
  { value: 'call', label: 'Call' },
  { value: 'email', label: 'Email' },
  { value: 'visit', label: 'Visit' },
  { value: 'chat', label: 'Chat' },
  { value: 'sms', label: 'SMS' },
  { value: 'note', label: 'Note' },
];

export const DIRECTION_OPTIONS: Options<Schemas['InteractionDirection']> = [
  { value: 'inbound', label: 'Inbound' },
  { value: 'outbound', label: 'Outbound' },
  { value: 'internal', label: 'Internal' },
];

export const CONTACT_ROLE_OPTIONS: Options<Schemas['ContactRole']> = [
  { value: 'primary', label: 'Primary' },
  { value: 'billing', label: 'Billing' },
  { value: 'technical', label: 'Technical' },
  { value: 'other', label: 'Other' },
];

export const ADDRESS_KIND_OPTIONS: Options<Schemas['AddressKind']> = [
  { value: 'service', label: 'Service' },
  { value: 'billing', label: 'Billing' },
];

export const KIND_OPTIONS: Options<Schemas['CustomerKind']> = [
  { value: 'residential', label: 'Residential' },
  { value: 'business', label: 'Business' },
];

export const STATUS_OPTIONS: Options<Schemas['CustomerStatus']> = [
  { value: 'active', label: 'Active' },
  { value: 'suspended', label: 'Suspended' },
  { value: 'closed', label: 'Closed' },
];

export const CYCLE_OPTIONS: Options<Schemas['BillingCycle']> = [
  { value: 'calendar', label: 'Calendar (fixed day)' },
  { value: 'anniversary', label: 'Anniversary' },
];

export const DELIVERY_OPTIONS: Options<Schemas['InvoiceDelivery']> = [
  { value: 'email', label: 'Email' },
  { value: 'paper', label: 'Paper' },
  { value: 'portal', label: 'Portal' },
];

/** Days 1–28 for a calendar billing cycle. */
export const BILLING_DAY_OPTIONS = Array.from({ length: 28 }, (_, i) => ({ value: String(i + 1), label: String(i + 1) }));

export function labelOf<T extends string>(options: Options<T>, value: T): string {
  return options.find((o) => o.value === value)?.label ?? value;
}

/** One line for an address. */
export function formatAddress(a: {
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postal_code?: string | null;
  country: string;
}): string {
  return [a.line1, a.line2, [a.postal_code, a.city].filter(Boolean).join(' '), a.region, a.country]
    .filter((part) => part !== null && part !== undefined && part !== '')
    .join(', ');
}

/** Trimmed text, or undefined when blank (so optional fields are left out of a request). */
export function optional(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
