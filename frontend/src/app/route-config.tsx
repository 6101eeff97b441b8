import type { ComponentType } from 'react';
import { Navigate, type RouteObject } from 'react-router';
import { ComingSoon } from '@/components/ui/coming-soon';
import { RouteErrorFallback } from './error-boundary';
import { AppLayout } from './layout/app-layout';
import { RequireAuth } from './require-auth';
import { ApiClientsRoute } from './routes/api-clients';
import { AuditLogRoute } from './routes/audit-log';
import { BillRunRoute, BillRunsRoute } from './routes/bill-runs';
import { CatalogRoute } from './routes/catalog';
import { Customer360Route } from './routes/customer-360';
import { CustomersRoute } from './routes/customers';
import { DashboardRoute } from './routes/dashboard';
import { InvoiceRoute, InvoicesRoute } from './routes/invoices';
import { LeadRoute, LeadsRoute } from './routes/leads';
import { LoginRoute } from './routes/login';
import { NetworkRoute } from './routes/network';
import { NewOrderRoute } from './routes/new-order';
import { NotFoundRoute } from './routes/not-found';
import { OrderRoute } from './routes/order';
import { OrdersRoute } from './routes/orders';
import { ProvisioningRoute } from './routes/provisioning';
import { UsersRoute } from './routes/users';
import { adminAreas, lifecycleStages, type Area } from './stages';

/** Pages with a real implementation; every other area shows a placeholder. */
const builtPages: Partial<Record<string, ComponentType>> = {
  '/admin/users': UsersRoute,
  '/admin/api-clients': ApiClientsRoute,
  '/admin/audit-log': AuditLogRoute,
  '/admin/catalog': CatalogRoute,
  '/admin/network': NetworkRoute,
  '/orders': OrdersRoute,
  '/leads': LeadsRoute,
  '/customers': CustomersRoute,
  '/provisioning': ProvisioningRoute,
  '/billing/runs': BillRunsRoute,
  '/invoices': InvoicesRoute,
};

function areaRoute(area: Area): RouteObject {
  const Page = builtPages[area.path];
  return {
    path: area.path,
    element: Page ? <Page /> : <ComingSoon title={area.label} summary={area.summary} />,
  };
}

export const routes: RouteObject[] = [
  {
    errorElement: <RouteErrorFallback />,
    children: [
      { path: '/login', element: <LoginRoute /> },
      {
        element: (
          <RequireAuth>
            <AppLayout />
          </RequireAuth>
        ),
        children: [
          { index: true, element: <DashboardRoute /> },
          ...lifecycleStages.map(areaRoute),
          { path: '/customers/:id', element: <Customer360Route /> },
          { path: '/orders/new', element: <NewOrderRoute /> },
          { path: '/orders/:id', element: <OrderRoute /> },
          { path: '/leads/:id', element: <LeadRoute /> },
          { path: '/invoices/:id', element: <InvoiceRoute /> },
          { path: '/billing/runs/:id', element: <BillRunRoute /> },
          // Billing used to be one placeholder page; its old address leads to the invoices.
          { path: '/billing', element: <Navigate to="/invoices" replace /> },
          ...adminAreas.map(areaRoute),
        ],
      },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
];

