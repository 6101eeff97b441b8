import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import { useMe } from '@/features/auth/api/get-me';
import { OrdersTable } from '@/features/orders/components/orders-table';
import { canDecideOrders, canWriteOrders } from '@/features/orders/status';
import { isOrderView, type OrderView } from '@/features/orders/views';

export function OrdersRoute() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const canDecide = canDecideOrders(me.role);
  const requested = params.get('view');
  // Managers land on the approval queue: it is what needs them.
  const view: OrderView = isOrderView(requested) ? requested : canDecide ? 'queue' : 'all';
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>Orders</Title>
          <Text c="dimmed">
            {canDecide
              ? 'Orders the credit check sent to a manager wait in the approval queue.'
              : 'Orders being built, waiting for approval, and decided.'}
          </Text>
        </div>
        {canWriteOrders(me.role) && (
          <Button component={Link} to="/orders/new">
            New order
          </Button>
        )}
      </Group>
      <OrdersTable view={view} canDecide={canDecide} onViewChange={(v) => setParams({ view: v })} />
    </Stack>
  );
}
