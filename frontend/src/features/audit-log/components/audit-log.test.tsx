import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import { json, mockApi, tokens } from '@/testing/fetch-mock';
import { renderWithProviders } from '@/testing/render';
import { AuditLog } from './audit-log';

const created = {
  id: 12,
  at: '2025-03-02T10:15:00Z',
  actor: 'user:1',
  actor_role: 'admin',
  action: 'user.created',
  entity_type: 'user',
  entity_id: '7',
  request_id: 'req-abc',
  before: null,
  after: { id: 7, email: 'fin@example.com', role: 'finance' },
};
const updated = {
  ...created,
  id: 11,
  action: 'user.updated',
  request_id: null,
  before: { id: 7, email: 'fin@example.com', role: 'finance' },
  after: { id: 7, email: 'fin@example.com', role: 'viewer' },
};

describe('AuditLog', () => {
  it('puts the filters into the URL and sends them to the API', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({ 'GET /api/v1/audit-log': () => json({ items: [created], next_cursor: null }) });
    const { router } = renderWithProviders(<AuditLog />, '/admin/audit-log');
    const user = userEvent.setup();

    await screen.findByRole('table', { name: 'Audit log' });
    expect([...api.requests[0]!.query.keys()]).toEqual(['limit']);

    const form = screen.getByRole('form', { name: 'Filter the audit log' });
    await user.type(within(form).getByRole('combobox', { name: 'Action' }), 'user.created');
    await user.type(within(form).getByRole('textbox', { name: 'Entity ID' }), '7');
    await user.type(within(form).getByRole('textbox', { name: 'Actor' }), 'user:1');
    fireEvent.change(within(form).getByLabelText('From'), { target: { value: '2025-03-01' } });
    fireEvent.change(within(form).getByLabelText('To'), { target: { value: '2025-03-31' } });
    await user.click(within(form).getByRole('button', { name: 'Apply filters' }));

    await waitFor(() =>
      expect(router.state.location.search).toBe('?action=user.created&entity_id=7&actor=user%3A1&from=2025-03-01&to=2025-03-31'),
    );
    await waitFor(() => expect(api.requests).toHaveLength(2));
    const query = api.requests[1]!.query;
    expect(query.get('action')).toBe('user.created');
    expect(query.get('entity_id')).toBe('7');
    expect(query.get('actor')).toBe('user:1');
    // Whole local days: from the start of the first to the start of the day after the last.
    expect(query.get('from')).toBe(new Date(2025, 2, 1).toISOString());
    expect(query.get('to')).toBe(new Date(2025, 3, 1).toISOString());
    expect(query.has('entity_type')).toBe(false);
  });

  it('reads the filters from the URL, and clears them', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'GET /api/v1/audit-log': ({ query }) =>
        json({ items: query.has('action') ? [] : [created], next_cursor: null }),
    });
    const { router } = renderWithProviders(<AuditLog />, '/admin/audit-log?action=api_client.deleted&entity_type=api_client');
    const user = userEvent.setup();

    expect(await screen.findByText('No entries match these filters.')).toBeInTheDocument();
    expect(api.requests[0]?.query.get('action')).toBe('api_client.deleted');
    expect(api.requests[0]?.query.get('entity_type')).toBe('api_client');
    expect(screen.getByRole('combobox', { name: 'Action' })).toHaveValue('api_client.deleted');

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));

    await waitFor(() => expect(router.state.location.search).toBe(''));
    const table = screen.getByRole('table', { name: 'Audit log' });
    expect(await within(table).findByText('user.created')).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Action' })).toHaveValue('');
  });

  it('expands an entry to show before and after, and loads more with the cursor', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'GET /api/v1/audit-log': ({ query }) =>
        query.get('cursor') === 'next-1'
          ? json({ items: [created], next_cursor: null })
          : json({ items: [updated], next_cursor: 'next-1' }),
    });
    renderWithProviders(<AuditLog />, '/admin/audit-log');
    const user = userEvent.setup();

    const table = await screen.findByRole('table', { name: 'Audit log' });
    await user.click(within(table).getByText('user.updated'));
    const before = within(table).getByLabelText('Before (JSON)');
    const after = within(table).getByLabelText('After (JSON)');
    expect(JSON.parse(before.textContent ?? '')).toEqual(updated.before);
    expect(after.textContent).toBe(JSON.stringify(updated.after, null, 2));
    expect(within(table).getByText('Changed:')).toBeInTheDocument();
    expect(within(table).getByText('role')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await within(table).findByText('user.created')).toBeInTheDocument();
    expect(api.requests[1]?.query.get('cursor')).toBe('next-1');
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();

    // A creation has no "before".
    await user.click(within(table).getByRole('button', { name: /Show the change of user.created/ }));
    expect(within(table).getByText('Nothing: this change created it.')).toBeInTheDocument();

    // Clicking an open entry closes it.
    await user.click(within(table).getByText('user.updated'));
    expect(within(table).queryByLabelText('Before (JSON)')).not.toBeInTheDocument();
  });
});
