import { Anchor, Badge, Button, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { QueryStatus } from '@/components/ui/query-status';
import { formatDateTime } from '@/lib/format';
import { useOrders, type OrderListItem } from '../api/get-orders';
import { money, statusColor, statusLabel } from '../status';
import { isOrderView, ORDER_VIEWS, type OrderView } from '../views';
import { DecisionButtons } from './decision';

const NOWRAP = { whiteSpace: 'nowrap' } as const;

interface OrderRowProps {
  order: OrderListItem;
  inQueue: boolean;
  canDecide: boolean;
}

function OrderRow({ order, inQueue, canDecide }: OrderRowProps) {
  return (
    <Table.Tr>
      <Table.Td style={NOWRAP}>
        <Anchor component={Link} to={`/orders/${order.id}`}>
          {order.number}
        </Anchor>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{order.customer_name}</Text>
        <Text size="xs" c="dimmed">
          {order.account_number}
        </Text>
      </Table.Td>
      <Table.Td>
        <Badge color={statusColor(order.status)} variant="light" miw="max-content">
          {statusLabel(order.status)}
        </Badge>
      </Table.Td>
      <Table.Td ta="right" style={NOWRAP}>
        {money(order.monthly_total, order.currency)}
      </Table.Td>
      <Table.Td ta="right" style={NOWRAP}>
        {money(order.first_invoice_total, order.currency)}
      </Table.Td>
      <Table.Td>
        {order.credit_reasons.length > 0 ? (
          <Stack gap={2}>
            {order.credit_reasons.map((reason) => (
              <Text key={reason} size="xs">
                {reason}
              </Text>
            ))}
          </Stack>
        ) : (
          <Text size="xs" c="dimmed">
            {order.submitted_at ? 'Within policy' : 'Not submitted'}
          </Text>
        )}
      </Table.Td>
      <Table.Td>{formatDateTime(order.submitted_at ?? order.created_at)}</Table.Td>
      {inQueue && canDecide && (
        <Table.Td>
          <DecisionButtons order={order} decisions={['approve', 'reject']} size="compact-sm" />
        </Table.Td>
      )}
    </Table.Tr>
  );
}

interface OrdersTableProps {
  view: OrderView;
  onViewChange: (view: OrderView) => void;
  /** Managers and admins decide on the approval queue. */
  canDecide: boolean;
}

export function OrdersTable({ view, onViewChange, canDecide }: OrdersTableProps) {
  const orders = useOrders(ORDER_VIEWS[view].statuses);
  const inQueue = view === 'queue';
  const columns = inQueue && canDecide ? 8 : 7;
  return (
    <Stack gap="md">
      <SegmentedControl
        aria-label="Which orders"
        value={view}
        onChange={(value) => {
          if (isOrderView(value)) onViewChange(value);
        }}
        data={Object.entries(ORDER_VIEWS).map(([value, v]) => ({ value, label: v.label }))}
        style={{ alignSelf: 'flex-start' }}
      />
      {!orders.isSuccess ? (
        <QueryStatus query={orders} what="orders" noAccess="You cannot see orders." />
      ) : (
        <>
          <Table.ScrollContainer minWidth={900}>
            <Table striped highlightOnHover aria-label={ORDER_VIEWS[view].label}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Order</Table.Th>
                  <Table.Th>Customer</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th ta="right">Monthly</Table.Th>
                  <Table.Th ta="right">First invoice</Table.Th>
                  <Table.Th>Credit check</Table.Th>
                  <Table.Th>Submitted / opened</Table.Th>
                  {inQueue && canDecide && <Table.Th>Decision</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {orders.data.pages.every((p) => p.items.length === 0) ? (
                  <Table.Tr>
                    <Table.Td colSpan={columns}>
                      <Text c="dimmed" ta="center" py="lg">
                        {inQueue ? 'No order is waiting for approval.' : 'No orders here.'}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ) : (
                  orders.data.pages
                    .flatMap((page) => page.items)
                    .map((order) => <OrderRow key={order.id} order={order} inQueue={inQueue} canDecide={canDecide} />)
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {orders.hasNextPage && (
            <Group justify="center">
              <Button variant="default" loading={orders.isFetchingNextPage} onClick={() => void orders.fetchNextPage()}>
                Load more
              </Button>
            </Group>
          )}
        </>
      )}
    </Stack>
  );
}
