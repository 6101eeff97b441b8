import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import { json, mockApi, problem, tokens } from '@/testing/fetch-mock';
import { renderWithProviders } from '@/testing/render';
import type { Subscription } from '../api/get-subscriptions';
import { ServicesPanel } from './services-panel';

const active: Subscription = {
  id: 11,
  customer_id: 5,
  order_id: 2,
  kind: 'plan',
  parent_id: null,
  product_id: 1,
  product_version_id: 1,
  product_code: 'FIBER-100',
  product_name: 'Fiber 100',
  plan_version: 2,
  status: 'active',
  monthly_price: '49.00',
  currency: 'USD',
  download_mbps: 100,
  upload_mbps: 20,
  data_cap_gb: null,
  quantity: 1,
  started_at: '2026-11-01T10:00:00Z',
  contract_end_on: '2099-12-31',
  contract_months: 12,
  billing_anchor_day: 1,
  username: 'jdoe-11',
  radius_group: 'fiber_100',
  static_ip: '203.0.113.9',
  suspend_reason: null,
  suspended_at: null,
  pending_change: null,
  termination_reason: null,
  early_termination_fee: '150.00',
  open_jobs: 0,
  failed_jobs: 0,
  version: 3,
  created_at: '2026-11-01T10:00:00Z',
  updated_at: '2026-11-01T10:00:00Z',
};

describe('services panel', () => {
  it('suspends a service with its version as If-Match, then polls until the network has it', async () => {
    tokenStore.setTokens(tokens('1'));
    let current: Subscription = active;
    let polls = 0;
    const api = mockApi({
      'GET /api/v1/customers/5/subscriptions': () => {
        // The job finishes after the second look.
        if (current.open_jobs > 0 && ++polls >= 2) current = { ...current, open_jobs: 0 };
        return json({ items: [current] });
      },
      'POST /api/v1/subscriptions/11/suspend': () => {
        current = { ...active, status: 'suspended', suspend_reason: 'non_payment', open_jobs: 1, version: 4 };
        return json(current);
      },
    });
    renderWithProviders(<ServicesPanel customerId={5} role="agent" />);
    const user = userEvent.setup();

    const card = await screen.findByRole('region', { name: 'Service jdoe-11' });
    expect(within(card).getByTestId('service-status')).toHaveTextContent('Active');
    expect(within(card).getByText('100 ↓ / 20 ↑ Mbps')).toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: 'Suspend' }));
    const dialog = await screen.findByRole('dialog', { name: 'Suspend Fiber 100' });
    await user.click(within(dialog).getByRole('button', { name: 'Suspend service' }));
    expect(await within(dialog).findByText('Pick a reason')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('combobox', { name: /Reason/ }));
    await user.click(await screen.findByRole('option', { name: 'Non-payment', hidden: true }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Note' }), 'Invoice 12 unpaid');
    await user.click(within(dialog).getByRole('button', { name: 'Suspend service' }));

    await waitFor(() => expect(within(card).getByTestId('service-status')).toHaveTextContent('Suspended'));
    const suspend = api.requests.find((r) => r.method === 'POST');
    expect(suspend?.headers.get('If-Match')).toBe('"3"');
    expect(suspend?.body).toEqual({ reason: 'non_payment', note: 'Invoice 12 unpaid' });
    expect(within(card).getByText('Applying to the network…')).toBeInTheDocument();
    await waitFor(() => expect(within(card).queryByText('Applying to the network…')).not.toBeInTheDocument(), {
      timeout: 4000,
    });
    expect(within(card).getByTestId('service-suspend-reason')).toHaveTextContent('Suspended for non-payment');
    expect(within(card).getByRole('button', { name: 'Restore' })).toBeInTheDocument();
    expect(within(card).queryByRole('button', { name: 'Suspend' })).not.toBeInTheDocument();
  });

  it('shows a version conflict in the dialog', async () => {
    tokenStore.setTokens(tokens('1'));
    mockApi({
      'GET /api/v1/customers/5/subscriptions': () => json({ items: [{ ...active, status: 'suspended' }] }),
      'POST /api/v1/subscriptions/11/restore': () =>
        problem(409, 'version_conflict', 'the subscription was changed by someone else; reload it'),
    });
    renderWithProviders(<ServicesPanel customerId={5} role="finance" />);
    const user = userEvent.setup();
    const card = await screen.findByRole('region', { name: 'Service jdoe-11' });
    expect(within(card).queryByRole('button', { name: 'Terminate' })).not.toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: 'Restore' }));
    const dialog = await screen.findByRole('dialog', { name: 'Restore Fiber 100' });
    await user.click(within(dialog).getByRole('button', { name: 'Restore service' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The subscription was changed by someone else');
  });

  it('warns about the fee inside the contract and lets only managers waive it', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'GET /api/v1/customers/5/subscriptions': () => json({ items: [{ ...active, failed_jobs: 1 }] }),
      'POST /api/v1/subscriptions/11/terminate': () =>
        json({ early_termination_fee: '0', subscription: { ...active, status: 'terminated' } }),
    });
    renderWithProviders(<ServicesPanel customerId={5} role="manager" />);
    const user = userEvent.setup();
    const card = await screen.findByRole('region', { name: 'Service jdoe-11' });
    expect(within(card).getByRole('alert')).toHaveTextContent('Provisioning failed');
    await user.click(within(card).getByRole('button', { name: 'Terminate' }));
    const dialog = await screen.findByRole('dialog', { name: 'Terminate Fiber 100' });
    expect(within(dialog).getByText(/Inside the contract/)).toBeInTheDocument();
    await user.type(within(dialog).getByRole('textbox', { name: /Reason/ }), 'Moving abroad');
    await user.click(within(dialog).getByRole('checkbox', { name: /Waive the early-termination fee/ }));
    await user.type(within(dialog).getByRole('textbox', { name: /Type jdoe-11 to confirm/ }), 'jdoe-1');
    await user.click(within(dialog).getByRole('button', { name: 'Terminate service' }));
    expect(await within(dialog).findByText('Does not match jdoe-11')).toBeInTheDocument();
    expect(api.requests.some((r) => r.method === 'POST')).toBe(false);
    await user.type(within(dialog).getByRole('textbox', { name: /Type jdoe-11 to confirm/ }), '1');
    await user.click(within(dialog).getByRole('button', { name: 'Terminate service' }));
    await waitFor(() => expect(api.requests.some((r) => r.method === 'POST')).toBe(true));
    expect(api.requests.find((r) => r.method === 'POST')?.body).toEqual({ reason: 'Moving abroad', waive_fee: true });
  });

  it('shows a viewer the service without any buttons', async () => {
    tokenStore.setTokens(tokens('1'));
    mockApi({ 'GET /api/v1/customers/5/subscriptions': () => json({ items: [active] }) });
    renderWithProviders(<ServicesPanel customerId={5} role="viewer" />);
    const card = await screen.findByRole('region', { name: 'Service jdoe-11' });
    expect(within(card).queryByRole('button', { name: /Suspend|Terminate|Change plan|Show password/ })).not.toBeInTheDocument();
  });
});
