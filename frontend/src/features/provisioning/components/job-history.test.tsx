import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import { json, mockApi, problem, tokens } from '@/testing/fetch-mock';
import { renderWithProviders } from '@/testing/render';
import type { ProvisioningJob } from '../api/get-jobs';
import { JobHistory } from './job-history';

const failed: ProvisioningJob = {
  id: 31,
  subscription_id: 11,
  action: 'suspend',
  status: 'failed',
  attempts: 8,
  max_attempts: 8,
  next_attempt_at: '2026-11-25T10:00:00Z',
  last_error: 'NAS 10.0.0.1 did not answer the Disconnect-Request',
  log: [
    { at: '2026-11-25T09:00:00Z', attempt: 1, message: 'radcheck updated' },
    { at: '2026-11-25T09:00:01Z', attempt: 1, message: 'Disconnect-Request to 10.0.0.1:3799: timeout' },
  ],
  created_by: 'user:3',
  created_at: '2026-11-25T09:00:00Z',
  updated_at: '2026-11-25T10:00:00Z',
  finished_at: '2026-11-25T10:00:00Z',
};

describe('job history', () => {
  it('shows a failed job with its error and log, and lets a manager retry it', async () => {
    tokenStore.setTokens(tokens('1'));
    let job = failed;
    const api = mockApi({
      'GET /api/v1/provisioning-jobs': () => json({ items: [job], next_cursor: null }),
      'POST /api/v1/provisioning-jobs/31/retry': () => {
        job = { ...failed, status: 'done', attempts: 1, last_error: null };
        return json({ ...failed, status: 'pending', attempts: 0 });
      },
    });
    renderWithProviders(<JobHistory subscriptionId={11} role="manager" />);
    const user = userEvent.setup();

    const table = await screen.findByRole('table', { name: 'Provisioning jobs of subscription 11' });
    expect(within(table).getByTestId('job-status')).toHaveTextContent('failed');
    expect(within(table).getByText('8/8')).toBeInTheDocument();
    expect(within(table).getByText(/did not answer the Disconnect-Request/)).toBeInTheDocument();
    expect(api.requests[0]?.query.get('subscription_id')).toBe('11');

    await user.click(within(table).getByRole('button', { name: 'Show log of job 31' }));
    const log = within(table).getByRole('list', { name: 'Log of job 31' });
    expect(within(log).getAllByRole('listitem')).toHaveLength(2);
    expect(within(log).getByText('Disconnect-Request to 10.0.0.1:3799: timeout')).toBeInTheDocument();

    await user.click(within(table).getByRole('button', { name: 'Retry job 31' }));
    await waitFor(() => expect(within(table).getByTestId('job-status')).toHaveTextContent('done'));
    expect(within(table).queryByRole('button', { name: 'Retry job 31' })).not.toBeInTheDocument();
  });

  it('gives an agent no Retry button', async () => {
    tokenStore.setTokens(tokens('1'));
    mockApi({ 'GET /api/v1/provisioning-jobs': () => json({ items: [failed], next_cursor: null }) });
    renderWithProviders(<JobHistory subscriptionId={11} role="agent" />);
    const table = await screen.findByRole('table', { name: 'Provisioning jobs of subscription 11' });
    expect(within(table).queryByRole('button', { name: /Retry/ })).not.toBeInTheDocument();
  });

  it('says why it could not load the jobs', async () => {
    tokenStore.setTokens(tokens('1'));
    mockApi({ 'GET /api/v1/provisioning-jobs': () => problem(500, 'internal_error', 'something broke; retry later') });
    renderWithProviders(<JobHistory subscriptionId={11} role="admin" />);
    expect(await screen.findByText('Something broke; retry later')).toBeInTheDocument();
  });
});
