import { describe, expect, it } from 'vitest';
import { byAttention, describeCreator, parseStatusFilter, statusFilterParam } from './labels';
import { canRetryJobs } from './permissions';

describe('the job status filter in the URL', () => {
  it('shows failed and pending jobs by default', () => {
    expect(parseStatusFilter(null)).toEqual(['failed', 'pending']);
    expect(parseStatusFilter('')).toEqual(['failed', 'pending']);
  });

  it('keeps known statuses in a fixed order and drops the rest', () => {
    expect(parseStatusFilter('done,bogus,failed')).toEqual(['failed', 'done']);
    expect(parseStatusFilter('bogus')).toEqual(['failed', 'pending']);
  });

  it('round-trips "every status"', () => {
    expect(statusFilterParam([])).toBe('all');
    expect(parseStatusFilter('all')).toEqual([]);
    expect(parseStatusFilter(statusFilterParam(['pending', 'running']))).toEqual(['pending', 'running']);
  });
});

describe('the order jobs are listed in', () => {
  it('puts failed jobs first, then those still on their way, newest first within each', () => {
    const jobs = [
      { id: 1, status: 'done' },
      { id: 2, status: 'failed' },
      { id: 3, status: 'pending' },
      { id: 4, status: 'failed' },
      { id: 5, status: 'running' },
    ];
    expect(byAttention(jobs).map((j) => j.id)).toEqual([4, 2, 5, 3, 1]);
  });
});

describe('who retries a failed job', () => {
  it('is a manager or an admin', () => {
    expect(canRetryJobs('admin')).toBe(true);
    expect(canRetryJobs('manager')).toBe(true);
    expect(canRetryJobs('agent')).toBe(false);
    expect(canRetryJobs('finance')).toBe(false);
  });
});

describe('who queued a job', () => {
  it('reads the actor labels', () => {
    expect(describeCreator('system')).toBe('ispbill');
    expect(describeCreator('user:14')).toBe('user 14');
    expect(describeCreator('api_client:3')).toBe('API client 3');
    expect(describeCreator('dunning')).toBe('dunning');
  });
});
