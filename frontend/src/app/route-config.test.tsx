import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { REFRESH_TOKEN_KEY, tokenStore } from '@/lib/auth/token-store';
import { json, mockApi, problem, tokens } from '@/testing/fetch-mock';
import { renderRoutes } from '@/testing/render';
import { routes } from './route-config';

const admin = { kind: 'user', id: 1, name: 'Ada Admin', email: 'ada@example.com', role: 'admin', scopes: [] };

describe('routes', () => {
  it('sends a signed-out visitor to the login page, remembering where they were going', async () => {
    const { router } = renderRoutes(routes, '/customers');

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe('?next=%2Fcustomers');
  });

  it('shows a 404 page for an unknown address', async () => {
    renderRoutes(routes, '/no/such/page');
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
  });

  it('after a reload, refreshes the session before showing the dashboard', async () => {
    // A reload keeps only localStorage: load the app's modules afresh on top of it.
    window.localStorage.setItem(REFRESH_TOKEN_KEY, 'refresh-old');
    vi.resetModules();
    const fresh = {
      routes: (await import('./route-config')).routes,
      renderRoutes: (await import('@/testing/render')).renderRoutes,
    };
    const api = mockApi({
      'POST /api/v1/auth/refresh': () => json(tokens('new')),
      'GET /api/v1/auth/me': ({ headers }) =>
        headers.get('Authorization') === 'Bearer access-new' ? json(admin) : problem(401, 'unauthorized', 'No'),
    });

    fresh.renderRoutes(fresh.routes, '/');

    expect(await screen.findByRole('heading', { name: 'Welcome, Ada Admin' })).toBeInTheDocument();
    expect(screen.getByTestId('current-user-role')).toHaveTextContent('Admin');
    expect(api.requests.map((r) => r.path)).toEqual(['/api/v1/auth/refresh', '/api/v1/auth/me']);
    expect(api.requests[0]?.body).toEqual({ refresh_token: 'refresh-old' });
    expect(window.localStorage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-new');
  });

  it('shows placeholders for stages not built yet and logs out from the header', async () => {
    tokenStore.setTokens(tokens('1'));
    const api = mockApi({
      'GET /api/v1/auth/me': () => json(admin),
      'POST /api/v1/auth/logout': () => new Response(null, { status: 204 }),
    });
    const { router } = renderRoutes(routes, '/');
    const user = userEvent.setup();

    const nav = await screen.findByRole('navigation', { name: 'Main navigation' });
    await user.click(within(nav).getByRole('link', { name: 'Payments' }));
    expect(await screen.findByRole('heading', { name: 'Payments', level: 1 })).toBeInTheDocument();
    expect(screen.getByText('Payments is coming in a later release.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Log out' }));

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe('');
    expect(api.requests.at(-1)?.body).toEqual({ refresh_token: 'refresh-1' });
    expect(window.localStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
  });

  it.each([
    ['finance', true],
    ['manager', true],
    ['agent', false],
    ['viewer', false],
  ] as const)('shows %s the invoices, and bill runs only to billing roles (%s)', async (role, seesRuns) => {
    tokenStore.setTokens(tokens('1'));
    mockApi({ 'GET /api/v1/auth/me': () => json({ ...admin, name: 'Fin', role }) });
    renderRoutes(routes, '/');
    const nav = await screen.findByRole('navigation', { name: 'Main navigation' });
    expect(within(nav).getByRole('link', { name: 'Invoices' })).toHaveAttribute('href', '/invoices');
    expect(within(nav).queryByRole('link', { name: 'Bill runs' }) !== null).toBe(seesRuns);
  });

  it('sends the old billing placeholder address to the invoices', async () => {
    tokenStore.setTokens(tokens('1'));
    mockApi({
      'GET /api/v1/auth/me': () => json(admin),
      'GET /api/v1/invoices': () => json({ items: [], next_cursor: null }),
    });
    const { router } = renderRoutes(routes, '/billing');
    expect(await screen.findByRole('heading', { name: 'Invoices', level: 1 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/invoices');
    expect(await screen.findByText('No invoices yet. Bill runs make them.')).toBeInTheDocument();
  });

  it("tells a non-admin they don't have access to the users page", async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    tokenStore.setTokens(tokens('1'));
    mockApi({
      'GET /api/v1/auth/me': () => json({ ...admin, name: 'Vic Viewer', role: 'viewer' }),
      'GET /api/v1/users': () => problem(403, 'forbidden', 'This action needs the admin role.'),
    });
    renderRoutes(routes, '/admin/users');

    expect(await screen.findByText("You don't have access")).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Users' })).not.toBeInTheDocument();
  });

  it.each([
    ['/admin/api-clients', 'GET /api/v1/api-clients', 'New client'],
    ['/admin/audit-log', 'GET /api/v1/audit-log', null],
    ['/admin/users', 'GET /api/v1/users', 'New user'],
  ])('tells a non-admin reaching %s directly that they have no access', async (path, route, button) => {
    tokenStore.setTokens(tokens('1'));
    mockApi({
      'GET /api/v1/auth/me': () => json({ ...admin, name: 'Max Manager', role: 'manager' }),
      [route]: () => problem(403, 'forbidden', 'This action needs the admin role.'),
    });
    renderRoutes(routes, path);

    expect(await screen.findByText("You don't have access")).toBeInTheDocument();
    if (button !== null) expect(screen.queryByRole('button', { name: button })).not.toBeInTheDocument();
  });

  it('opens the admin pages from the menu', async () => {
    tokenStore.setTokens(tokens('1'));
    mockApi({
      'GET /api/v1/auth/me': () => json(admin),
      'GET /api/v1/api-clients': () => json({ items: [], next_cursor: null }),
      'GET /api/v1/audit-log': () => json({ items: [], next_cursor: null }),
    });
    renderRoutes(routes, '/');
    const user = userEvent.setup();
    const nav = await screen.findByRole('navigation', { name: 'Main navigation' });

    await user.click(within(nav).getByRole('link', { name: 'API clients' }));
    expect(await screen.findByRole('heading', { name: 'API clients', level: 1 })).toBeInTheDocument();
    expect(await screen.findByText(/No API clients yet/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'New client' })).toBeInTheDocument();

    await user.click(within(nav).getByRole('link', { name: 'Audit log' }));
    expect(await screen.findByRole('heading', { name: 'Audit log', level: 1 })).toBeInTheDocument();
    expect(await screen.findByText('The audit log is empty.')).toBeInTheDocument();
  });
});
