import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import { json, mockApi, tokens } from '@/testing/fetch-mock';
import { renderWithProviders } from '@/testing/render';
import { OrdersTable } from './orders-table';

const waiting = {
  id: 7,
  number: 'ORD-000007',
  customer_id: 3,
  customer_name: 'Haddad Logistics LLC',
  account_number: '1000018',
  status: 'pending_approval',
  channel: 'in_person',
  currency: 'USD',
  line_count: 2,
  monthly_total: '1612.93',
  one_time_total: '3767.11',
  first_invoice_total: '5380.04',
  credit_outcome: 'needs_approval',
  credit_reasons: ['The order comes to 3767.11 USD, above the 1500.00 USD a manager must approve.'],
  submitted_at: '2026-03-02T09:05:00Z',
  version: 3,
  created_at: '2026-03-02T09:00:00Z',
  updated_at: '2026-03-02T09:05:00Z',
};

describe('OrdersTable', () => {
  it("shows a manager the approval queue with each order's reasons, and rejects one with a reason", async () => {
    tokenStore.setTokens(tokens('1'));
    let queue = [waiting];
    const api = mockApi({
      'GET /api/v1/orders': () => json({ items: queue, next_cursor: null }),
      'POST /api/v1/orders/7/reject': () => {
        queue = [];
        return json({ ...waiting, status: 'rejected' });
      },
    });
    renderWithProviders(<OrdersTable view="queue" canDecide onViewChange={() => {}} />);
    const user = userEvent.setup();

    const table = await screen.findByRole('table', { name: 'Approval queue' });
    expect(api.requests[0]?.query.getAll('status')).toEqual(['pending_approval']);
    expect(within(table).getByText('Haddad Logistics LLC')).toBeInTheDocument();
    expect(within(table).getByText(/above the 1500.00 USD a manager must approve/)).toBeInTheDocument();
    expect(within(table).getByText('5380.04 USD')).toBeInTheDocument();

    await user.click(within(table).getByRole('button', { name: 'Reject ORD-000007' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reject order ORD-000007' });
    await user.type(within(dialog).getByRole('textbox', { name: /reason/i }), 'Credit too thin for five sites');
    await user.click(within(dialog).getByRole('button', { name: 'Reject' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(api.requests.find((r) => r.method === 'POST')?.body).toEqual({ reason: 'Credit too thin for five sites' });
    expect(await within(table).findByText('No order is waiting for approval.')).toBeInTheDocument();
  });

  it('gives an agent no decision buttons, and switches views', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({ 'GET /api/v1/orders': () => json({ items: [waiting], next_cursor: null }) });
    const views: string[] = [];
    renderWithProviders(<OrdersTable view="queue" canDecide={false} onViewChange={(v) => views.push(v)} />);
    const user = userEvent.setup();

    const table = await screen.findByRole('table', { name: 'Approval queue' });
    expect(within(table).getByText('ORD-000007')).toBeInTheDocument();
    expect(within(table).queryByRole('button', { name: /Approve|Reject/ })).not.toBeInTheDocument();
    await user.click(screen.getByText('Rejected or cancelled'));
    expect(views).toEqual(['closed']);
    expect(api.requests).toHaveLength(1);
  });
});
