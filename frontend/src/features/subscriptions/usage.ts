/** One bar of the usage chart: a day of the billing period. */
export interface UsageBar {
  date: string;
  download: number;
  upload: number;
  /** Share of the tallest day, 0–1, for the bar's height. */
  height: number;
}

interface DailyUsage {
  date: string;
  input_octets: number;
  output_octets: number;
}

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Every day of the period from its first day up to (not including) its end, or up to
 * `today` when the period is still running, with the days that had no traffic at zero.
 * Download is the subscriber's output octets, upload its input octets.
 */
export function usageBars(
  days: DailyUsage[],
  periodStart: string,
  periodEnd: string,
  today: string,
): UsageBar[] {
  const byDate = new Map(days.map((d) => [d.date, d]));
  const last = today < periodEnd ? addDays(today, 1) : periodEnd;
  const out: Omit<UsageBar, 'height'>[] = [];
  for (let day = periodStart; day < last; day = addDays(day, 1)) {
    const d = byDate.get(day);
    out.push({ date: day, download: d?.output_octets ?? 0, upload: d?.input_octets ?? 0 });
    if (out.length > 62) break;
  }
  const tallest = Math.max(0, ...out.map((b) => b.download + b.upload));
  return out.map((b) => ({ ...b, height: tallest === 0 ? 0 : (b.download + b.upload) / tallest }));
}

/** The colour of the cap meter: calm below 80 %, a warning from 80 %, red at the cap. */
export function capColor(percent: number | null | undefined): string {
  if (percent == null) return 'blue';
  if (percent >= 100) return 'red';
  if (percent >= 80) return 'orange';
  return 'teal';
}
