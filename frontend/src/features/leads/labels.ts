import type { Schemas } from '@/lib/api/types';

type Options<T extends string> = { value: T; label: string }[];

export const LEAD_STATUS_OPTIONS: Options<Schemas['LeadStatus']> = [
  { value: 'new', label: 'New' },
  { value: 'contacted', label: 'Contacted' },
  { value: 'qualified', label: 'Qualified' },
  { value: 'won', label: 'Won' },
  { value: 'lost', label: 'Lost' },
];

export const LEAD_STATUS_COLORS: Record<Schemas['LeadStatus'], string> = {
  new: 'blue',
  contacted: 'cyan',
  qualified: 'violet',
  won: 'teal',
  lost: 'gray',
};

export const LEAD_SOURCE_OPTIONS: Options<Schemas['LeadSource']> = [
  { value: 'phone', label: 'Phone' },
  { value: 'web', label: 'Web' },
  { value: 'portal', label: 'Portal' },
  { value: 'api', label: 'API' },
  { value: 'referral', label: 'Referral' },
  { value: 'walk_in', label: 'Walk-in' },
  { value: 'partner', label: 'Partner' },
  { value: 'event', label: 'Event' },
  { value: 'other', label: 'Other' },
];

export const KIND_OPTIONS: Options<Schemas['CustomerKind']> = [
  { value: 'residential', label: 'Residential' },
  { value: 'business', label: 'Business' },
];

export function labelOf<T extends string>(options: Options<T>, value: T): string {
  return options.find((o) => o.value === value)?.label ?? value;
}

/**
 * The moves the pipeline allows from each status, as buttons (the API's `domain::lead`
 * table): won is reached only by converting; lost needs a reason; a lost lead can be
 * reopened to contacted.
 */
export const NEXT_STATUSES: Record<Schemas['LeadStatus'], Schemas['LeadStatus'][]> = {
  new: ['contacted', 'qualified', 'lost'],
  contacted: ['qualified', 'lost'],
  qualified: ['contacted', 'lost'],
  won: [],
  lost: ['contacted'],
};

export function optional(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
