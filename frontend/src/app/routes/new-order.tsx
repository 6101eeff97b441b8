import { Stack, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { NewOrder } from '@/features/orders/components/new-order';

export function NewOrderRoute() {
  const [params] = useSearchParams();
  const raw = Number(params.get('customer'));
  const customerId = Number.isInteger(raw) && raw > 0 ? raw : null;
  return (
    <Stack gap="md">
      <Title order={1}>New order</Title>
      <NewOrder customerId={customerId} />
    </Stack>
  );
}
