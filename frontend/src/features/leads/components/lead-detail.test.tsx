import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import type { Schemas } from '@/lib/api/types';
import { json, mockApi, tokens } from '@/testing/fetch-mock';
import { renderRoutes } from '@/testing/render';
import { LeadDetail } from './lead-detail';

const lead: Schemas['Lead'] = {
  id: 7,
  status: 'contacted',
  lost_reason: null,
  kind: 'residential',
  name: 'Ivy Chen',
  company_name: null,
  email: 'ivy@example.net',
  phone: '+15550100301',
  address_line1: '48 Orchard Lane',
  address_line2: null,
  city: 'Springfield',
  region: null,
  postal_code: '62702',
  country: 'US',
  source: 'web',
  interest_product_id: null,
  owner_id: 1,
  serviceability_note: null,
  customer_id: null,
  converted_at: null,
  merged_into_id: null,
  version: 5,
  created_at: '2026-03-01T10:00:00Z',
  updated_at: '2026-03-01T10:00:00Z',
  possible_duplicates: [{ kind: 'lead', id: 8, name: 'I. Chen', status: 'new', reasons: ['email', 'address'] }],
};

const noNotes = { items: [], next_cursor: null };

function renderLead(canEdit = true) {
  return renderRoutes(
    [
      { path: '/leads/:id', element: <LeadDetail leadId={7} canEdit={canEdit} /> },
      { path: '/customers/:id', element: <p>Customer page</p> },
    ],
    '/leads/7',
  );
}

describe('LeadDetail', () => {
  it('moves the lead on with its version as If-Match, and asks for a reason to lose it', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'GET /api/v1/leads/7': () => json(lead),
      'GET /api/v1/leads/7/interactions': () => json(noNotes),
      'PATCH /api/v1/leads/7': ({ body }) => json({ ...lead, ...(body as object), version: 6 }),
    });
    renderLead();
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Mark qualified' }));
    await waitFor(() => expect(api.requests.some((r) => r.method === 'PATCH')).toBe(true));
    const first = api.requests.find((r) => r.method === 'PATCH');
    expect(first?.headers.get('If-Match')).toBe('"5"');
    expect(first?.body).toEqual({ status: 'qualified' });

    await user.click(screen.getByRole('button', { name: 'Mark lost' }));
    const dialog = await screen.findByRole('dialog', { name: 'Mark the lead lost' });
    expect(within(dialog).getByRole('button', { name: 'Mark lost' })).toBeDisabled();
    await user.type(within(dialog).getByRole('textbox', { name: /reason/i }), 'No coverage');
    await user.click(within(dialog).getByRole('button', { name: 'Mark lost' }));
    await waitFor(() => expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(2));
    expect(api.requests.filter((r) => r.method === 'PATCH')[1]?.body).toEqual({
      status: 'lost',
      lost_reason: 'No coverage',
    });
  });

  it('merges a duplicate after asking, and converts into a customer, then opens it', async () => {
    tokenStore.setTokens(tokens('1'));
    let converted = false;
    const api = mockApi({
      // Once converted the lead reads back won, and its page drops the convert button.
      'GET /api/v1/leads/7': () =>
        json(converted ? { ...lead, status: 'won', customer_id: 55, converted_at: '2026-03-02T10:00:00Z' } : lead),
      'GET /api/v1/leads/7/interactions': () => json(noNotes),
      'POST /api/v1/leads/7/merge': () => json({ ...lead, possible_duplicates: undefined }),
      'GET /api/v1/customer-classes': () => json({ items: [{ id: 1, code: 'residential', name: 'Residential' }] }),
      'POST /api/v1/leads/7/convert': () => {
        converted = true;
        return json({ customer: { id: 55, name: 'Ivy Chen', account_number: '1000553' }, order_id: 12 }, 201);
      },
      'GET /api/v1/leads': () => json({ items: [], next_cursor: null }),
    });
    const { router } = renderLead();
    const user = userEvent.setup();

    const duplicates = await screen.findByRole('table', { name: 'Possible duplicates' });
    expect(within(duplicates).getByText('email, address')).toBeInTheDocument();
    await user.click(within(duplicates).getByRole('button', { name: 'Merge into this lead' }));
    const confirm = await screen.findByRole('dialog', { name: 'Merge the duplicate?' });
    await user.click(within(confirm).getByRole('button', { name: 'Merge' }));
    await waitFor(() => expect(api.requests.some((r) => r.path === '/api/v1/leads/7/merge')).toBe(true));
    expect(api.requests.find((r) => r.path === '/api/v1/leads/7/merge')?.body).toEqual({ duplicate_id: 8 });

    await user.click(screen.getByRole('button', { name: 'Convert' }));
    const dialog = await screen.findByRole('dialog', { name: 'Convert to customer' });
    await user.click(within(dialog).getByRole('combobox', { name: /billing day/i }));
    await user.click(await screen.findByRole('option', { name: '15', hidden: true }));
    await user.click(within(dialog).getByRole('button', { name: 'Convert to customer' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/customers/55'));
    const convert = api.requests.find((r) => r.path === '/api/v1/leads/7/convert');
    expect(convert?.body).toEqual({ billing: { cycle: 'calendar', billing_day: 15 }, create_order: true });
    expect(convert?.headers.get('Idempotency-Key')).toBeTruthy();
  });

  it('is read-only once converted, and for roles that only read', async () => {
    tokenStore.setTokens(tokens('1'));
    mockApi({
      'GET /api/v1/leads/7': () =>
        json({ ...lead, status: 'won', customer_id: 55, converted_at: '2026-03-02T10:00:00Z', possible_duplicates: [] }),
      'GET /api/v1/leads/7/interactions': () => json(noNotes),
    });
    renderLead();
    expect(await screen.findByText(/it is read-only/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Convert' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Mark/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Add a note' })).not.toBeInTheDocument();
  });
});

describe('LeadDetail editing', () => {
  it('sends only the changed details, blanks as null, with If-Match', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'GET /api/v1/leads/7': () => json(lead),
      'GET /api/v1/leads/7/interactions': () => json(noNotes),
      'PATCH /api/v1/leads/7': () => json({ ...lead, version: 6 }),
    });
    renderLead();
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Edit details' }));
    const form = screen.getByRole('form', { name: 'Edit lead' });
    await user.clear(within(form).getByRole('textbox', { name: 'Email' }));
    await user.type(within(form).getByRole('textbox', { name: 'Serviceability' }), 'On net, fiber in the street');
    await user.click(within(form).getByRole('button', { name: 'Save lead' }));

    await waitFor(() => expect(api.requests.some((r) => r.method === 'PATCH')).toBe(true));
    const patch = api.requests.find((r) => r.method === 'PATCH');
    expect(patch?.headers.get('If-Match')).toBe('"5"');
    expect(patch?.body).toEqual({
      kind: 'residential',
      name: 'Ivy Chen',
      source: 'web',
      email: null,
      serviceability_note: 'On net, fiber in the street',
    });
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Edit lead' })).not.toBeInTheDocument());
  });
});
