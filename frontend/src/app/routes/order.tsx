import { Anchor, Stack } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { useMe } from '@/features/auth/api/get-me';
import { OrderEntry } from '@/features/orders/components/order-entry';
import { NotFoundRoute } from './not-found';

export function OrderRoute() {
  const me = useMe();
  const { id } = useParams();
  const orderId = Number(id);
  if (!Number.isInteger(orderId) || orderId <= 0) return <NotFoundRoute />;
  return (
    <Stack gap="xs">
      <Anchor component={Link} to="/orders" size="sm">
        ← Orders
      </Anchor>
      <OrderEntry key={orderId} orderId={orderId} role={me.role} />
    </Stack>
  );
}
