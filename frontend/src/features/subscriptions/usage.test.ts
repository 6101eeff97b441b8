import { describe, expect, it } from 'vitest';
import { capColor, usageBars } from './usage';

describe('usageBars', () => {
  it('fills the days without traffic and scales to the busiest day', () => {
    const bars = usageBars(
      [
        { date: '2026-03-01', input_octets: 100, output_octets: 900 },
        { date: '2026-03-03', input_octets: 0, output_octets: 500 },
      ],
      '2026-03-01',
      '2026-04-01',
      '2026-03-03',
    );
    expect(bars.map((b) => b.date)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
    expect(bars[0]).toMatchObject({ download: 900, upload: 100, height: 1 });
    expect(bars[1]).toMatchObject({ download: 0, upload: 0, height: 0 });
    expect(bars[2]?.height).toBeCloseTo(0.5);
  });

  it('stops at the period end for a past period and handles a quiet one', () => {
    const bars = usageBars([], '2026-02-28', '2026-03-31', '2026-06-01');
    expect(bars).toHaveLength(31);
    expect(bars.at(-1)?.date).toBe('2026-03-30');
    expect(bars.every((b) => b.height === 0)).toBe(true);
  });
});

describe('capColor', () => {
  it('warns from 80 % and turns red at the cap', () => {
    expect(capColor(null)).toBe('blue');
    expect(capColor(42.5)).toBe('teal');
    expect(capColor(80)).toBe('orange');
    expect(capColor(100)).toBe('red');
    expect(capColor(131.2)).toBe('red');
  });
});
