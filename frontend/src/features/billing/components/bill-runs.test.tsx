import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import type { Schemas } from '@/lib/api/types';
import { json, mockApi, problem, tokens } from '@/testing/fetch-mock';
import { renderWithProviders } from '@/testing/render';
import { todayIso } from '../dates';
import { addDays } from '../explain';
import { BillRunDetail } from './bill-run-detail';
import { BillRunForm } from './bill-run-form';

type BillRun = Schemas['BillRun'];

const queued: BillRun = {
  id: 12,
  run_on: '2026-11-20',
  mode: 'dry_run',
  trigger: 'manual',
  status: 'queued',
  requested_by: 'user:3',
  subscriptions_total: 4,
  subscriptions_done: 0,
  percent_done: 0,
  customers_done: 0,
  invoices_created: 0,
  lines_created: 0,
  error_count: 0,
  totals: [],
  sample: null,
  created_at: '2026-11-20T10:00:00Z',
};

const sample = [
  {
    customer_id: 5,
    currency: 'USD',
    period_start: '2026-11-20',
    period_end: '2026-12-01',
    subtotal: '18.33',
    tax_total: '3.67',
    total: '22.00',
    lines: [
      {
        kind: 'recurring',
        description: 'Fiber 100',
        period_start: '2026-11-20',
        period_end: '2026-12-01',
        amount: '18.33',
        tax_rate: '20',
        tax_amount: '3.67',
      },
    ],
  },
];

const progressOf = () => screen.getByRole('progressbar', { name: /^Bill run 12/ });

describe('bill run detail', () => {
  it('asks every second while the run moves, fills the bar, and stops when it is done', async () => {
    tokenStore.setTokens(tokens('1'));
    const states: BillRun[] = [
      queued,
      { ...queued, status: 'running', subscriptions_done: 2, percent_done: 50, customers_done: 2, invoices_created: 2 },
      {
        ...queued,
        status: 'completed',
        subscriptions_done: 4,
        percent_done: 100,
        customers_done: 3,
        invoices_created: 3,
        lines_created: 5,
        totals: [{ currency: 'USD', subtotal: '100.00', tax: '20.00', total: '120.00' }],
        sample: sample as unknown as BillRun['sample'],
        finished_at: '2026-11-20T10:00:03Z',
      },
    ];
    let polls = 0;
    const api = mockApi({ 'GET /api/v1/bill-runs/12': () => json(states[Math.min(polls++, states.length - 1)]) });
    renderWithProviders(<BillRunDetail runId={12} />);
    const user = userEvent.setup();

    expect(await screen.findByText('Waiting for the billing worker to start')).toBeInTheDocument();
    expect(progressOf()).toHaveAttribute('aria-valuenow', '0');
    await waitFor(() => expect(progressOf()).toHaveAttribute('aria-valuenow', '50'), { timeout: 3000 });
    expect(screen.getByTestId('run-progress-label')).toHaveTextContent('Billing: 2 subscriptions of 4 (50%)');
    await waitFor(() => expect(screen.getByTestId('run-status')).toHaveTextContent('completed'), { timeout: 3000 });
    expect(progressOf()).toHaveAttribute('aria-valuenow', '100');
    expect(screen.getByTestId('run-progress-label')).toHaveTextContent('Completed: 3 invoices would be made');
    expect(screen.getByTestId('run-total')).toHaveTextContent('USD$100.00$20.00$120.00');
    // A dry run has nothing to open or issue, but a preview with expandable lines.
    expect(screen.queryByRole('link', { name: /Open the run’s invoices/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Issue drafts' })).not.toBeInTheDocument();
    const preview = within(screen.getByRole('table', { name: 'Sample invoices' }));
    expect(preview.getByRole('link', { name: 'Customer #5' })).toHaveAttribute('href', '/customers/5');
    await user.click(preview.getByRole('button', { name: 'Show the lines of sample invoice 1' }));
    expect(preview.getByTestId('sample-line')).toHaveTextContent('Fiber 100');

    const asked = api.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(api.requests.length).toBe(asked);
  });

  it('issues a completed draft run’s drafts after asking, and follows it to the end', async () => {
    tokenStore.setTokens(tokens('1'));
    const done: BillRun = {
      ...queued,
      mode: 'draft',
      status: 'completed',
      subscriptions_done: 4,
      percent_done: 100,
      invoices_created: 3,
      error_count: 1,
    };
    let current = done;
    let issuingPolls = 0;
    const api = mockApi({
      'GET /api/v1/bill-runs/12': () => {
        if (current.status === 'issuing' && ++issuingPolls >= 2) {
          current = { ...done, drafts_issued_at: '2026-11-20T11:00:00Z' };
        }
        return json(current);
      },
      'GET /api/v1/bill-runs/12/errors': () =>
        json({
          items: [{ id: 1, customer_id: 9, code: 'no_tax_rate', message: 'no tax rate for zone XX', at: '2026-11-20T10:00:01Z' }],
          next_cursor: null,
        }),
      'POST /api/v1/bill-runs/12/issue': () => {
        current = { ...done, status: 'issuing', percent_done: 99 };
        return json(current, 202);
      },
    });
    renderWithProviders(<BillRunDetail runId={12} />);
    const user = userEvent.setup();

    expect(await screen.findByText(/These invoices are drafts/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open the run’s invoices' })).toHaveAttribute('href', '/invoices?bill_run_id=12');
    expect(await screen.findByTestId('bill-run-error')).toHaveTextContent('no tax rate for zone XX');
    await user.click(screen.getByRole('button', { name: 'Issue drafts' }));
    const dialog = await screen.findByRole('dialog', { name: 'Issue the 3 drafts of run #12?' });
    await user.click(within(dialog).getByRole('button', { name: 'Issue drafts' }));
    await waitFor(() => expect(screen.getByTestId('run-status')).toHaveTextContent('issuing'));
    expect(screen.getByTestId('run-progress-label')).toHaveTextContent('Issuing 3 drafts');
    await waitFor(() => expect(screen.getByText(/The drafts were issued/)).toBeInTheDocument(), { timeout: 4000 });
    expect(screen.queryByRole('button', { name: 'Issue drafts' })).not.toBeInTheDocument();
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});

describe('bill run form', () => {
  it('starts a dry run for today with an idempotency key', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({ 'POST /api/v1/bill-runs': () => json(queued, 202) });
    let started: BillRun | null = null;
    renderWithProviders(<BillRunForm onStarted={(run) => (started = run)} />);
    const user = userEvent.setup();

    expect(screen.getByLabelText(/Bill up to/)).toHaveValue(todayIso());
    expect(screen.getByRole('radio', { name: /Dry run/ })).toBeChecked();
    await user.click(screen.getByRole('button', { name: 'Preview the run' }));
    await waitFor(() => expect(started).not.toBeNull());
    expect(api.requests[0]?.body).toEqual({ run_on: todayIso(), mode: 'dry_run' });
    expect(api.requests[0]?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('issues only after a confirmation, and never for a day still to come', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'POST /api/v1/bill-runs': () =>
        problem(422, 'validation_failed', 'validation failed', [
          { field: 'run_on', code: 'in_the_future', message: 'invoices are made on or after their day' },
        ]),
    });
    renderWithProviders(<BillRunForm onStarted={() => {}} />);
    const user = userEvent.setup();

    await user.click(screen.getByRole('radio', { name: /Bill and issue/ }));
    const date = screen.getByLabelText(/Bill up to/);
    await user.clear(date);
    await user.type(date, addDays(todayIso(), 2));
    await user.click(screen.getByRole('button', { name: 'Bill and issue' }));
    expect(screen.getByText(/^Invoices are made on or after their day; preview a later day/)).toBeInTheDocument();
    expect(api.requests).toHaveLength(0);

    await user.clear(date);
    await user.type(date, todayIso());
    await user.click(screen.getByRole('button', { name: 'Bill and issue' }));
    const dialog = await screen.findByRole('dialog', { name: 'Bill and issue?' });
    await user.click(within(dialog).getByRole('button', { name: 'Bill and issue' }));
    // The server's word (its clock may be a day behind the browser's) lands on the field.
    expect(await screen.findByText('Invoices are made on or after their day')).toBeInTheDocument();
    expect(api.requests[0]?.body).toEqual({ run_on: todayIso(), mode: 'issue' });
  });
});
