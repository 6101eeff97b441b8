import { describe, expect, it } from 'vitest';
import { isRunActive, runProgress } from './progress';

const run = {
  status: 'running',
  mode: 'issue',
  percent_done: 40,
  subscriptions_done: 1200,
  subscriptions_total: 3000,
  invoices_created: 900,
  error_count: 0,
  last_error: null,
  drafts_issued_at: null,
};

describe('the progress of a bill run', () => {
  it('waits, then fills with the subscriptions done, striped while it moves', () => {
    expect(runProgress({ ...run, status: 'queued', percent_done: 0 })).toEqual({
      value: 0,
      color: 'gray',
      animated: true,
      label: 'Waiting for the billing worker to start',
      active: true,
    });
    expect(runProgress(run)).toEqual({
      value: 40,
      color: 'blue',
      animated: true,
      label: 'Billing: 1,200 subscriptions of 3,000 (40%)',
      active: true,
    });
  });

  it('issuing a draft run is full and still moving', () => {
    expect(runProgress({ ...run, mode: 'draft', status: 'issuing', percent_done: 99 })).toMatchObject({
      value: 100,
      color: 'indigo',
      animated: true,
      label: 'Issuing 900 drafts: numbers and due dates',
      active: true,
    });
  });

  it('completed: full and still, orange when some customers could not be billed', () => {
    expect(runProgress({ ...run, status: 'completed', percent_done: 100 })).toMatchObject({
      value: 100,
      color: 'teal',
      animated: false,
      label: 'Completed: 900 invoices',
      active: false,
    });
    expect(runProgress({ ...run, status: 'completed', percent_done: 100, error_count: 1 })).toMatchObject({
      color: 'orange',
      label: 'Completed: 900 invoices; 1 customer could not be billed',
    });
    expect(runProgress({ ...run, mode: 'dry_run', status: 'completed', invoices_created: 1 }).label).toBe(
      'Completed: 1 invoice would be made',
    );
    expect(runProgress({ ...run, mode: 'draft', status: 'completed', drafts_issued_at: '2026-11-01T10:00:00Z' }).label).toBe(
      'Completed: 900 invoices, issued',
    );
    expect(runProgress({ ...run, status: 'completed', subscriptions_total: 0, invoices_created: 0 }).label).toBe(
      'Completed: nothing was due',
    );
  });

  it('failed: red where it stopped, with the reason', () => {
    expect(runProgress({ ...run, status: 'failed', percent_done: 41, last_error: 'database unavailable' })).toEqual({
      value: 41,
      color: 'red',
      animated: false,
      label: 'Failed at 41%: database unavailable',
      active: false,
    });
  });

  it('is asked again only while queued, running or issuing', () => {
    expect(['queued', 'running', 'issuing', 'completed', 'failed'].map(isRunActive)).toEqual([true, true, true, false, false]);
  });
});
