import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import { json, mockApi, problem, tokens } from '@/testing/fetch-mock';
import { renderRoutes } from '@/testing/render';
import { Customer360Route } from './customer-360';

const agent = { id: 1, kind: 'user', email: 'agent@isp.test', name: 'Agnes Agent', role: 'agent' };
const viewer = { ...agent, name: 'Vic Viewer', role: 'viewer' };

const overview = {
  customer: {
    id: 5,
    account_number: '1000051',
    kind: 'residential',
    name: 'Ana Lima',
    company_name: null,
    tax_id: null,
    email: 'ana@example.net',
    phone: '+15550100101',
    status: 'active',
    version: 1,
    created_at: '2026-11-01T10:00:00Z',
    billing: {
      cycle: 'calendar',
      day: 1,
      invoice_delivery: 'email',
      autopay: false,
      currency: 'USD',
      tax_zone: 'DEFAULT',
      tax_exempt: false,
    },
  },
  class: { id: 1, code: 'residential', name: 'Residential', currency: 'USD', credit_limit: '150.00', payment_terms_days: 14 },
  balance: { amount: '60.01', overdue: '30.00', currency: 'USD' },
  active_services: [],
  contacts: [],
  addresses: [
    { id: 1, kind: 'service', line1: '12 Harbour Road', line2: null, city: 'Portsmouth', region: null, postal_code: 'PO1 2AB', country: 'GB' },
  ],
  open_orders: [
    {
      id: 3,
      number: 'ORD-000003',
      status: 'pending_approval',
      channel: 'call_center',
      currency: 'USD',
      monthly_total: '42.22',
      one_time_total: '49.00',
      created_at: '2026-11-20T10:00:00Z',
    },
  ],
  source_leads: [{ id: 9, name: 'Ana Lima', source: 'web', status: 'won', created_at: '2026-10-01T10:00:00Z', converted_at: '2026-11-01T10:00:00Z' }],
  last_interactions: [],
  counts: { orders: 1, open_orders: 1, interactions: 0, leads: 1, timeline: 2 },
};

describe('Customer360Route', () => {
  it('shows the header with balance and overdue, the open orders, and the timeline filtered by kind', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'GET /api/v1/auth/me': () => json(agent),
      'GET /api/v1/customers/5/overview': () => json(overview),
      'GET /api/v1/customers/5/timeline': ({ query }) =>
        json({
          items:
            query.get('kind') === 'order'
              ? [{ id: 2, event_type: 'order.submitted', entity_type: 'order', entity_id: '3', actor: 'user:1', actor_name: 'Agnes Agent', payload: { number: 'ORD-000003' }, occurred_at: '2026-11-20T10:00:00Z' }]
              : [
                  { id: 2, event_type: 'order.submitted', entity_type: 'order', entity_id: '3', actor: 'user:1', actor_name: 'Agnes Agent', payload: { number: 'ORD-000003' }, occurred_at: '2026-11-20T10:00:00Z' },
                  { id: 1, event_type: 'customer.created', entity_type: 'customer', entity_id: '5', actor: 'system', actor_name: null, payload: { name: 'Ana Lima' }, occurred_at: '2026-11-01T10:00:00Z' },
                ],
          next_cursor: null,
        }),
    });
    renderRoutes([{ path: '/customers/:id', element: <Customer360Route /> }], '/customers/5');
    const user = userEvent.setup();

    expect(await screen.findByTestId('customer-name')).toHaveTextContent('Ana Lima');
    expect(screen.getByTestId('account-number')).toHaveTextContent('#1000051');
    expect(screen.getByTestId('customer-balance')).toHaveTextContent('$60.01');
    expect(screen.getByTestId('customer-overdue')).toHaveTextContent('$30.00');
    const orders = screen.getByRole('region', { name: 'Open orders' });
    expect(within(orders).getByText('ORD-000003')).toBeInTheDocument();
    expect(within(orders).getByText('needs approval')).toBeInTheDocument();
    expect(screen.getByText(/12 Harbour Road, Portsmouth/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'New order' })).toHaveAttribute('href', '/orders/new?customer=5');
    expect(screen.getByRole('button', { name: 'Log interaction' })).toBeInTheDocument();

    await user.click(screen.getByRole('tab', { name: 'Timeline (2)' }));
    const entries = await screen.findAllByTestId('timeline-entry');
    expect(entries.map((e) => e.textContent)).toEqual(['Order ORD-000003 submitted', 'Customer Ana Lima created']);
    await user.click(screen.getByRole('checkbox', { name: 'Orders' }));
    await screen.findByText('Order ORD-000003 submitted');
    expect(api.requests.at(-1)?.query.get('kind')).toBe('order');
  });

  it('says so when the customer does not exist', async () => {
    tokenStore.setTokens(tokens('1'));
    mockApi({
      'GET /api/v1/auth/me': () => json(agent),
      'GET /api/v1/customers/404/overview': () => problem(404, 'not_found', 'customer not found'),
    });
    renderRoutes([{ path: '/customers/:id', element: <Customer360Route /> }], '/customers/404');
    expect(await screen.findByText('Could not load the customer')).toBeInTheDocument();
  });

  it('offers a viewer no actions that change the customer', async () => {
    tokenStore.setTokens(tokens('1'));
    mockApi({
      'GET /api/v1/auth/me': () => json(viewer),
      'GET /api/v1/customers/5/overview': () => json(overview),
    });
    renderRoutes([{ path: '/customers/:id', element: <Customer360Route /> }], '/customers/5');
    expect(await screen.findByTestId('customer-name')).toHaveTextContent('Ana Lima');
    expect(screen.queryByRole('link', { name: 'New order' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Log interaction' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Edit profile' })).not.toBeInTheDocument();
  });
});
