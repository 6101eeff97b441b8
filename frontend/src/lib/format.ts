const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateTimeWithSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A date-time for a table cell; `never` when there is none. */
export function formatDateTime(
  value: string | null | undefined,
  { never = 'Never', seconds = false }: { never?: string; seconds?: boolean } = {},
): string {
  if (value == null) return never;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return (seconds ? dateTimeWithSeconds : dateTime).format(date);
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/**
 * An amount the API sent as a decimal string, e.g. "1234.50" in USD → "$1,234.50". The
 * string is formatted as it is (never through a float), so no cent is ever lost.
 */
export function formatMoney(amount: string, currency: string): string {
  let format = moneyFormats.get(currency);
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    } catch {
      return `${amount} ${currency}`;
    }
    moneyFormats.set(currency, format);
  }
  if (!/^-?\d+(\.\d+)?$/.test(amount)) return `${amount} ${currency}`;
  return format.format(amount as Intl.StringNumericLiteral);
}

/** A calendar date (`2026-11-25`) for display, without shifting it through a time zone. */
export function formatDate(value: string | null | undefined, none = '—'): string {
  if (value == null) return none;
  const [y, m, d] = value.split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) return value;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}
