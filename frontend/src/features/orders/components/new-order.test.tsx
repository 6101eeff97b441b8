import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';
import { json, mockApi, problem, tokens } from '@/testing/fetch-mock';
import { renderRoutes } from '@/testing/render';
import { NewOrder } from './new-order';

const opened = { id: 12, number: 'ORD-000012' };

function routesFor(customerId: number | null) {
  return [
    { path: '/orders/new', element: <NewOrder customerId={customerId} /> },
    { path: '/orders/:id', element: <p>order page</p> },
  ];
}

describe('NewOrder', () => {
  it("opens a draft for the customer it was given at once, and goes to it", async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({ 'POST /api/v1/orders': () => json(opened, 201) });
    const { router } = renderRoutes(routesFor(42), '/orders/new');

    expect(await screen.findByText('order page')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/orders/12');
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]?.body).toEqual({ customer_id: 42, channel: 'call_center' });
    expect(api.requests[0]?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('asks for the customer otherwise, and shows why the API refused', async () => {
    tokenStore.setTokens(tokens('1'));
    let calls = 0;
    const api = mockApi({
      'POST /api/v1/orders': () => {
        calls += 1;
        return calls === 1
          ? problem(409, 'customer_closed', 'a closed customer cannot place orders')
          : json(opened, 201);
      },
    });
    const { router } = renderRoutes(routesFor(null), '/orders/new');
    const user = userEvent.setup();

    await user.type(screen.getByRole('textbox', { name: /customer id/i }), '7');
    await user.click(screen.getByRole('combobox', { name: 'Channel' }));
    await user.click(await screen.findByRole('option', { name: 'In person', hidden: true }));
    await user.click(screen.getByRole('button', { name: 'Open draft' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('A closed customer cannot place orders');

    await user.click(screen.getByRole('button', { name: 'Open draft' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/orders/12'));
    expect(api.requests[1]?.body).toEqual({ customer_id: 7, channel: 'in_person' });
  });
});
