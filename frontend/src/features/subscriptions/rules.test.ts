import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  feeMayBeOwed,
  formatBytes,
  formatDuration,
  planChangeKind,
  suspendFormProblems,
  terminateFormProblems,
  terminationWord,
  today,
} from './rules';

const plan = (status: string, username: string | null = 'jdoe') => ({ status, kind: 'plan', username });

describe('what staff may do to a subscription', () => {
  it('lets an agent suspend, change, end and read the password of an active plan', () => {
    expect(allowedActions(plan('active'), 'agent')).toEqual(['suspend', 'change-plan', 'terminate', 'show-password']);
  });

  it('offers restore, not suspend, once suspended, and no plan change', () => {
    expect(allowedActions(plan('suspended'), 'manager')).toEqual(['restore', 'terminate', 'show-password']);
  });

  it('lets finance suspend and restore for non-payment but nothing else', () => {
    expect(allowedActions(plan('active'), 'finance')).toEqual(['suspend']);
    expect(allowedActions(plan('suspended'), 'finance')).toEqual(['restore']);
  });

  it('gives viewers, customers and terminated services no buttons', () => {
    expect(allowedActions(plan('active'), 'viewer')).toEqual([]);
    expect(allowedActions(plan('active'), 'customer')).toEqual([]);
    expect(allowedActions(plan('terminated'), 'admin')).toEqual([]);
  });

  it('lets a pending service be ended but not suspended or changed', () => {
    expect(allowedActions(plan('pending'), 'admin')).toEqual(['terminate', 'show-password']);
  });

  it('leaves add-ons to follow their plan', () => {
    expect(allowedActions({ status: 'active', kind: 'addon', username: null }, 'admin')).toEqual([]);
  });

  it('offers no password for a plan without a network identity', () => {
    expect(allowedActions(plan('active', null), 'admin')).not.toContain('show-password');
  });
});

describe('the early-termination fee warning', () => {
  it('warns up to and including the last day of the contract', () => {
    expect(feeMayBeOwed('2026-12-31', '2026-11-25')).toBe(true);
    expect(feeMayBeOwed('2026-11-25', '2026-11-25')).toBe(true);
  });

  it('does not warn after the contract or without one', () => {
    expect(feeMayBeOwed('2026-11-24', '2026-11-25')).toBe(false);
    expect(feeMayBeOwed(null, '2026-11-25')).toBe(false);
    expect(feeMayBeOwed(undefined, '2026-11-25')).toBe(false);
  });

  it('takes today in the local calendar, padded', () => {
    expect(today(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});

describe('traffic and durations', () => {
  it('formats bytes in decimal units as ISPs sell them', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_500)).toBe('1.5 KB');
    expect(formatBytes(12_345_678)).toBe('12.3 MB');
    expect(formatBytes(250_000_000_000)).toBe('250 GB');
    expect(formatBytes(3_200_000_000_000)).toBe('3.2 TB');
  });

  it('shows a dash for unknown counters', () => {
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(undefined)).toBe('—');
    expect(formatBytes(-1)).toBe('—');
  });

  it('formats session lengths', () => {
    expect(formatDuration(35)).toBe('35 s');
    expect(formatDuration(240)).toBe('4 min');
    expect(formatDuration(7_500)).toBe('2 h 05 min');
    expect(formatDuration(3 * 86_400 + 3_600)).toBe('3 d 1 h');
    expect(formatDuration(null)).toBe('—');
  });
});

describe('plan change labels', () => {
  it('compares decimal prices without floats', () => {
    expect(planChangeKind('49.00', '79.00')).toBe('upgrade');
    expect(planChangeKind('129.5', '99.99')).toBe('downgrade');
    expect(planChangeKind('49', '49.00')).toBe('sidegrade');
    expect(planChangeKind('9.99', '10')).toBe('upgrade');
  });
});

describe('command forms', () => {
  it('asks for one of the three suspension reasons', () => {
    expect(suspendFormProblems({ reason: '', note: '' })).toEqual({ reason: 'Pick a reason' });
    expect(suspendFormProblems({ reason: 'holiday', note: '' })).toEqual({ reason: 'Pick a reason' });
    expect(suspendFormProblems({ reason: 'non_payment', note: 'Invoice 12 unpaid' })).toEqual({});
    expect(suspendFormProblems({ reason: 'fraud', note: 'x'.repeat(1001) })).toEqual({ note: 'At most 1000 characters' });
  });

  it('needs a reason and the typed word to terminate', () => {
    const word = terminationWord({ username: 'jdoe-1', product_code: 'FIBER-100' });
    expect(word).toBe('jdoe-1');
    expect(terminateFormProblems({ reason: ' ', waiveFee: false, confirmation: 'jdoe' }, word)).toEqual({
      reason: 'Say why the service ends',
      confirmation: 'Does not match jdoe-1',
    });
    expect(terminateFormProblems({ reason: 'Moving abroad', waiveFee: true, confirmation: ' jdoe-1 ' }, word)).toEqual({});
  });

  it('falls back to the plan code when the service has no username', () => {
    expect(terminationWord({ username: null, product_code: 'STATIC-IP' })).toBe('STATIC-IP');
  });
});
