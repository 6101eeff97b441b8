import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import type { Schemas } from '@/lib/api/types';
import { json, mockApi, problem, tokens } from '@/testing/fetch-mock';
import { renderWithProviders } from '@/testing/render';
import { CustomerEditForm } from './customer-edit-form';

const customer: Schemas['Customer'] = {
  id: 4,
  account_number: '1000014',
  kind: 'residential',
  status: 'active',
  name: 'Ana Lima',
  company_name: null,
  tax_id: null,
  class: { id: 1, code: 'residential', name: 'Residential' },
  email: 'ana@example.net',
  phone: '+15550100101',
  billing: {
    cycle: 'calendar',
    billing_day: 1,
    invoice_delivery: 'email',
    autopay: false,
    currency: 'USD',
    tax_zone: 'DEFAULT',
    tax_exempt: false,
    tax_exemption_ref: null,
  },
  contacts: [],
  addresses: [],
  source_leads: [],
  version: 3,
  created_at: '2026-03-01T10:00:00Z',
  updated_at: '2026-03-01T10:00:00Z',
};

const classes = { items: [] };

describe('CustomerEditForm', () => {
  it('sends the version it was opened with as If-Match, with the changed preferences', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'GET /api/v1/customer-classes': () => json(classes),
      'PATCH /api/v1/customers/4': () => json({ ...customer, version: 4, phone: '+15550100999' }),
      'GET /api/v1/customers': () => json({ items: [], next_cursor: null }),
    });
    const onSaved = vi.fn();
    renderWithProviders(<CustomerEditForm customer={customer} onSaved={onSaved} />);
    const user = userEvent.setup();
    const form = screen.getByRole('form', { name: 'Edit customer' });

    const phone = within(form).getByRole('textbox', { name: 'Phone' });
    await user.clear(phone);
    await user.type(phone, '555 010 0999');
    await user.click(within(form).getByRole('checkbox', { name: 'Autopay' }));
    await user.click(within(form).getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const patch = api.requests.find((r) => r.method === 'PATCH');
    expect(patch?.headers.get('If-Match')).toBe('"3"');
    expect(patch?.body).toMatchObject({
      name: 'Ana Lima',
      phone: '555 010 0999',
      company_name: null,
      billing: { cycle: 'calendar', billing_day: 1, invoice_delivery: 'email', autopay: true, tax_exempt: false },
    });
  });

  it('says so when someone else saved first, and checks the billing rules itself', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'GET /api/v1/customer-classes': () => json(classes),
      'PATCH /api/v1/customers/4': () => problem(409, 'version_conflict', 'the customer changed since you read it'),
    });
    renderWithProviders(<CustomerEditForm customer={customer} />);
    const user = userEvent.setup();
    const form = screen.getByRole('form', { name: 'Edit customer' });

    await user.clear(within(form).getByRole('textbox', { name: 'Email' }));
    await user.click(within(form).getByRole('button', { name: 'Save changes' }));
    expect(await within(form).findByText('Email delivery needs an email address')).toBeInTheDocument();
    expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);

    await user.type(within(form).getByRole('textbox', { name: 'Email' }), 'ana@example.org');
    await user.click(within(form).getByRole('button', { name: 'Save changes' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent('Someone else changed this customer');
  });
});
