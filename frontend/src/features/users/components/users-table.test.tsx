import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import { json, mockApi, problem, tokens } from '@/testing/fetch-mock';
import { renderWithProviders } from '@/testing/render';
import { UsersTable } from './users-table';

const ada = {
  id: 1,
  email: 'ada@example.com',
  name: 'Ada Admin',
  role: 'admin',
  active: true,
  created_at: '2025-01-01T09:00:00Z',
  last_login_at: '2025-03-01T08:30:00Z',
};
const vic = { ...ada, id: 2, email: 'vic@example.com', name: 'Vic Viewer', role: 'viewer', last_login_at: null };

describe('UsersTable', () => {
  it('lists users and edits one, sending only what changed, then reloads the list', async () => {
    tokenStore.setTokens(tokens('1'));
    let list = [ada, vic];
    const api = mockApi({
      'GET /api/v1/users': () => json({ items: list, next_cursor: null }),
      'PATCH /api/v1/users/2': ({ body }) => {
        list = [ada, { ...vic, ...(body as object) }];
        return json(list[1]);
      },
    });
    renderWithProviders(<UsersTable />);
    const user = userEvent.setup();

    const table = await screen.findByRole('table', { name: 'Users' });
    expect(within(table).getByText('vic@example.com')).toBeInTheDocument();
    expect(within(table).getAllByText('Never')).toHaveLength(1);

    await user.click(within(table).getByRole('button', { name: 'Edit vic@example.com' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit Vic Viewer' });
    await user.click(within(dialog).getByRole('combobox', { name: /role/i }));
    await user.click(await screen.findByRole('option', { name: 'Agent', hidden: true }));
    await user.click(within(dialog).getByRole('switch', { name: /active/i }));
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Edit Vic Viewer' })).not.toBeInTheDocument());
    expect(api.requests.find((r) => r.method === 'PATCH')?.body).toEqual({ role: 'agent', active: false });
    expect(await screen.findByText('Saved the changes to Vic Viewer.')).toBeInTheDocument();
    // The list was fetched again after the change.
    expect(api.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
    expect(await within(table).findByText('Inactive')).toBeInTheDocument();
  });

  it("shows the API's detail when the last admin would lose the role", async () => {
    tokenStore.setTokens(tokens('1'));
    mockApi({
      'GET /api/v1/users': () => json({ items: [ada], next_cursor: null }),
      'PATCH /api/v1/users/1': () =>
        problem(409, 'last_admin', 'this is the last active admin; make another admin first'),
    });
    renderWithProviders(<UsersTable />);
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Edit ada@example.com' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit Ada Admin' });
    await user.click(within(dialog).getByRole('switch', { name: /active/i }));
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'This is the last active admin; make another admin first',
    );
  });

  it('sets a new password only when one is typed, and checks its length', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'GET /api/v1/users': () => json({ items: [vic], next_cursor: null }),
      'PATCH /api/v1/users/2': () => json(vic),
    });
    renderWithProviders(<UsersTable />);
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Edit vic@example.com' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit Vic Viewer' });
    const password = within(dialog).getByLabelText(/new password/i, { selector: 'input' });
    await user.type(password, 'short');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    expect(await within(dialog).findByText('Use at least 12 characters')).toBeInTheDocument();
    expect(api.requests.some((r) => r.method === 'PATCH')).toBe(false);

    await user.type(password, ' but now long enough');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    await waitFor(() =>
      expect(api.requests.find((r) => r.method === 'PATCH')?.body).toEqual({ password: 'short but now long enough' }),
    );
  });
});
