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
