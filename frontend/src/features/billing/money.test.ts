import { describe, expect, it } from 'vitest';
import { addAmounts, fromUnits, isPositive, minorDigits, subtractAmounts, taxOn, toUnits } from './money';

describe('money', () => {
  it('reads decimal strings into whole units and back, exactly', () => {
    expect(toUnits('12.5', 2)).toBe(1250n);
    expect(toUnits('-0.05', 2)).toBe(-5n);
    expect(toUnits('.5', 2)).toBe(50n);
    expect(toUnits('12.500', 2)).toBe(1250n);
    expect(toUnits('12.505', 2)).toBeNull();
    expect(toUnits('1e3', 2)).toBeNull();
    expect(toUnits('', 2)).toBeNull();
    expect(fromUnits(1250n, 2)).toBe('12.50');
    expect(fromUnits(-5n, 2)).toBe('-0.05');
    expect(fromUnits(7n, 0)).toBe('7');
  });

  it('adds and subtracts without a float', () => {
    expect(addAmounts('0.1', '0.2')).toBe('0.3');
    expect(addAmounts('49.90', '9.98', '-5.00')).toBe('54.88');
    expect(subtractAmounts('59.88', '59.88')).toBe('0.00');
    expect(addAmounts('90071992547409.93', '0.01')).toBe('90071992547409.94');
    expect(isPositive('0.00')).toBe(false);
    expect(isPositive('0.01')).toBe(true);
    expect(isPositive('-3')).toBe(false);
  });

  it('rounds tax half away from zero to the minor unit, like the API', () => {
    expect(taxOn('49.90', '20', 'USD')).toBe('9.98');
    // 10.10 × 8.25 % = 0.83325 → 0.83; 0.30 × 8.25 % = 0.02475 → 0.02; 0.50 × 5 % = 0.025 → 0.03
    expect(taxOn('10.10', '8.25', 'USD')).toBe('0.83');
    expect(taxOn('0.30', '8.25', 'USD')).toBe('0.02');
    expect(taxOn('0.50', '5', 'USD')).toBe('0.03');
    expect(taxOn('-0.50', '5', 'USD')).toBe('-0.03');
    expect(taxOn('1000', '10', 'JPY')).toBe('100');
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('EUR')).toBe(2);
  });
});
