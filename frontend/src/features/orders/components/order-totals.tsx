import { Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { Order } from '../api/get-order';
import { money } from '../status';

/** The order's totals as the server computed them after the last change. */
export function OrderTotals({ order }: { order: Order }) {
  const t = order.totals;
  const c = order.currency;
  return (
    <Card withBorder padding="md" aria-label="Totals">
      <Stack gap="xs">
        <Title order={3} size="h4">
          Totals
        </Title>
        <Table withRowBorders={false} verticalSpacing={2} horizontalSpacing={6} fz="sm" style={{ whiteSpace: 'nowrap' }}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th />
              <Table.Th ta="right">Net</Table.Th>
              <Table.Th ta="right">Tax</Table.Th>
              <Table.Th ta="right">Total</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <Table.Tr>
              <Table.Td>Monthly</Table.Td>
              <Table.Td ta="right">{t.monthly_subtotal}</Table.Td>
              <Table.Td ta="right">{t.monthly_tax}</Table.Td>
              <Table.Td ta="right" data-testid="monthly-total">
                {money(t.monthly_total, c)}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td>One-time</Table.Td>
              <Table.Td ta="right">{t.one_time_subtotal}</Table.Td>
              <Table.Td ta="right">{t.one_time_tax}</Table.Td>
              <Table.Td ta="right" data-testid="one-time-total">
                {money(t.one_time_total, c)}
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
        <Group justify="space-between">
          <Text fw={600}>First invoice</Text>
          <Text fw={700} data-testid="first-invoice-total">
            {money(t.first_invoice_total, c)}
          </Text>
        </Group>
      </Stack>
    </Card>
  );
}
