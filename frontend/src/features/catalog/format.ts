import type { ProductVersion } from './api/get-products';

/** An amount with its currency, e.g. `29.00 USD`; a dash when there is none. */
export function formatMoney(amount: string | null | undefined, currency: string | null | undefined): string {
  if (amount == null) return '—';
  return currency ? `${amount} ${currency}` : amount;
}

/** `100 / 20 Mbit/s`, or a dash for products without speeds. */
export function formatSpeeds(version: ProductVersion | null | undefined): string {
  if (!version || version.download_mbps == null || version.upload_mbps == null) return '—';
  return `${version.download_mbps} / ${version.upload_mbps} Mbit/s`;
}

/** `500 GB, then 0.50 USD/GB`, or `Unlimited`. */
export function formatCap(version: ProductVersion): string {
  if (version.data_cap_gb == null) return 'Unlimited';
  return `${version.data_cap_gb} GB, then ${formatMoney(version.overage_per_gb, version.currency)}/GB`;
}

/** A calendar day (YYYY-MM-DD) as the browser's locale writes it. */
export function formatDay(day: string | null | undefined, none = '—'): string {
  if (day == null) return none;
  const [y, m, d] = day.split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) return day;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(y, m - 1, d));
}
