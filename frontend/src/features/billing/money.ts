/**
 * Exact arithmetic on the decimal strings the API sends ("29.90", "-5.00"): through whole
 * minor units (bigint), never through a float, so a cent is never lost or invented.
 */

const digitsCache = new Map<string, number>();

/** The currency's minor-unit digits: 2 for USD and EUR, 0 for JPY, 3 for BHD. */
export function minorDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    digitsCache.set(currency, digits);
  }
  return digits;
}

const DECIMAL = /^(-)?(\d*)(?:\.(\d*))?$/;

/**
 * `amount` in units of 10^-`scale` (e.g. "12.5" at scale 2 → 1250n); null when it is not a
 * plain decimal or has more decimals than `scale` allows.
 */
export function toUnits(amount: string, scale: number): bigint | null {
  const match = DECIMAL.exec(amount.trim());
  if (!match) return null;
  const [, sign, whole = '', fraction = ''] = match;
  if (whole === '' && fraction === '') return null;
  const extra = fraction.slice(scale);
  if (/[1-9]/.test(extra)) return null;
  const units = BigInt(`${whole}${fraction.slice(0, scale).padEnd(scale, '0')}` || '0');
  return sign === '-' ? -units : units;
}

/** Units of 10^-`scale` back to a decimal string ("1250n" at scale 2 → "12.50"). */
export function fromUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = scale === 0 ? digits : digits.slice(0, -scale);
  const fraction = scale === 0 ? '' : `.${digits.slice(-scale)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

function scaleOf(amount: string): number {
  const dot = amount.indexOf('.');
  return dot === -1 ? 0 : amount.length - dot - 1;
}

/** The sum of decimal strings, exactly, with as many decimals as the most precise of them. */
export function addAmounts(...amounts: string[]): string {
  const scale = Math.max(0, ...amounts.map(scaleOf));
  let sum = 0n;
  for (const amount of amounts) sum += toUnits(amount, scale) ?? 0n;
  return fromUnits(sum, scale);
}

/** `a - b`, exactly. */
export function subtractAmounts(a: string, b: string): string {
  const scale = Math.max(scaleOf(a), scaleOf(b));
  return fromUnits((toUnits(a, scale) ?? 0n) - (toUnits(b, scale) ?? 0n), scale);
}

/** Whether a decimal string is more than zero. */
export function isPositive(amount: string): boolean {
  const units = toUnits(amount, scaleOf(amount));
  return units !== null && units > 0n;
}

/**
 * The tax on a net amount at `ratePercent`, rounded to the currency's minor unit half away
 * from zero, as the API rounds it (api/src/domain/money.rs `round_to_minor_unit`).
 */
export function taxOn(net: string, ratePercent: string, currency: string): string {
  const digits = minorDigits(currency);
  const netUnits = toUnits(net, digits) ?? 0n;
  const rateScale = scaleOf(ratePercent);
  const rateUnits = toUnits(ratePercent, rateScale) ?? 0n;
  const divisor = 100n * 10n ** BigInt(rateScale);
  const product = netUnits * rateUnits;
  const magnitude = product < 0n ? -product : product;
  let rounded = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) rounded += 1n;
  return fromUnits(product < 0n ? -rounded : rounded, digits);
}
