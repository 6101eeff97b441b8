import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import { json, mockApi, tokens } from '@/testing/fetch-mock';
import { renderRoutes } from '@/testing/render';
import { GlobalSearch } from './global-search';

const ana = {
  id: 7,
  account_number: '1000017',
  name: 'Ana Lima',
  company_name: null,
  status: 'active',
  email: 'ana@example.net',
  phone: '+15550100101',
  matched: 'words',
};
const anabel = { ...ana, id: 8, account_number: '1000025', name: 'Anabel Costa', email: null, phone: null };

function renderSearch() {
  return renderRoutes(
    [
      { path: '/', element: <GlobalSearch /> },
      { path: '/customers/:id', element: <p>customer page</p> },
    ],
    '/',
  );
}

describe('GlobalSearch', () => {
  it('opens on Ctrl+K, searches as the agent types, and Enter opens the selected customer', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'GET /api/v1/search': () => json({ items: [ana, anabel], hint: null }),
    });
    const { router } = renderSearch();
    const user = userEvent.setup();

    await user.keyboard('{Control>}k{/Control}');
    const input = await screen.findByRole('textbox', { name: 'Search term' });
    await user.type(input, 'ana');
    expect(await screen.findByText('Anabel Costa')).toBeInTheDocument();
    const q = api.requests.at(-1)?.query.get('q');
    expect(q).toBe('ana');

    await user.keyboard('{ArrowDown}{Enter}');
    await waitFor(() => expect(router.state.location.pathname).toBe('/customers/8'));
  });

  it('tells the agent when an account number has a wrong check digit, and waits for two characters', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'GET /api/v1/search': () => json({ items: [], hint: 'account_number_check_failed' }),
    });
    renderSearch();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Search customers' }));
    const input = await screen.findByRole('textbox', { name: 'Search term' });
    await user.type(input, '1');
    expect(await screen.findByText(/Name, company, account number/)).toBeInTheDocument();
    expect(api.requests).toHaveLength(0);
    await user.type(input, '000018');
    expect(await screen.findByRole('alert')).toHaveTextContent('check digit is wrong');
  });
});
