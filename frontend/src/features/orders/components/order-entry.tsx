import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useState } from 'react';
import { QueryStatus } from '@/components/ui/query-status';
import { errorMessage, isApiError } from '@/lib/api/problem';
import { formatDateTime } from '@/lib/format';
import { useChangeOrder, type OrderChange } from '../api/change-order';
import { useOrder, useSellableProducts, type Order, type OrderLine, type SellableProduct } from '../api/get-order';
import { canDecideOrders, canWriteOrders, channelLabel, money, statusColor, statusLabel } from '../status';
import { CreditCheckResult } from './credit-check-result';
import { DecisionButtons } from './decision';
import { OrderTotals } from './order-totals';

const MAX_QUANTITY = 1000;

function productLabel(p: SellableProduct): string {
  const parts = [p.name];
  if (p.monthly_price !== '0.00') parts.push(`${p.monthly_price}/month`);
  if (p.one_time_price !== '0.00') parts.push(`${p.one_time_price} once`);
  return parts.join(' — ');
}

interface AddLineFormProps {
  order: Order;
  onChange: (change: OrderChange) => void;
  busy: boolean;
}

/** Pick a product sold now, how many, and a promotion it is eligible for. */
function AddLineForm({ order, onChange, busy }: AddLineFormProps) {
  const products = useSellableProducts(order.id, true);
  const [productId, setProductId] = useState<string | null>(null);
  const [promotionId, setPromotionId] = useState<string | null>(null);
  const [quantity, setQuantity] = useState<number>(1);
  if (!products.isSuccess) {
    return <QueryStatus query={products} what="products" noAccess="You cannot see the catalog." />;
  }
  const product = products.data.find((p) => String(p.product_id) === productId);
  const promotions = product?.promotions ?? [];
  return (
    <form
      aria-label="Add a product"
      onSubmit={(event) => {
        event.preventDefault();
        if (!product) return;
        onChange({
          kind: 'add-line',
          line: {
            action: 'add',
            product_id: product.product_id,
            quantity,
            ...(promotionId === null ? {} : { promotion_id: Number(promotionId) }),
          },
        });
        setProductId(null);
        setPromotionId(null);
        setQuantity(1);
      }}
    >
      <Group align="flex-end" wrap="wrap">
        <Select
          label="Product"
          placeholder="Pick a plan, add-on or product"
          searchable
          style={{ flex: 3, minWidth: 260 }}
          data={products.data.map((p) => ({ value: String(p.product_id), label: productLabel(p) }))}
          value={productId}
          onChange={(value) => {
            setProductId(value);
            setPromotionId(null);
          }}
        />
        <NumberInput
          label="Quantity"
          min={1}
          max={MAX_QUANTITY}
          allowDecimal={false}
          style={{ width: 110 }}
          value={quantity}
          onChange={(value) => setQuantity(typeof value === 'number' ? value : Number(value) || 1)}
        />
        <Select
          label="Promotion"
          placeholder={promotions.length === 0 ? 'None available' : 'No promotion'}
          disabled={promotions.length === 0}
          clearable
          style={{ flex: 2, minWidth: 200 }}
          data={promotions.map((p) => ({ value: String(p.id), label: p.code ? `${p.name} (${p.code})` : p.name }))}
          value={promotionId}
          onChange={setPromotionId}
        />
        <Button type="submit" disabled={!product} loading={busy}>
          Add
        </Button>
      </Group>
      {product && (
        <Text size="xs" c="dimmed" mt={4}>
          Tax {product.tax_rate}% for this customer
          {product.contract_months > 0 ? ` · ${product.contract_months}-month contract` : ''}
        </Text>
      )}
    </form>
  );
}

interface LineRowProps {
  line: OrderLine;
  currency: string;
  editable: boolean;
  onChange: (change: OrderChange) => void;
}

function LineRow({ line, currency, editable, onChange }: LineRowProps) {
  const [quantity, setQuantity] = useState<number | string>(line.quantity);
  const commitQuantity = () => {
    const q = Number(quantity);
    if (Number.isInteger(q) && q >= 1 && q <= MAX_QUANTITY && q !== line.quantity) {
      onChange({ kind: 'update-line', lineId: line.id, changes: { quantity: q } });
    } else {
      setQuantity(line.quantity);
    }
  };
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm">{line.description}</Text>
        {line.promotion_name != null && (
          <Group gap={4}>
            <Badge size="xs" variant="light" color="grape">
              {line.promotion_name}
              {line.promotion_cycles != null ? ` · ${line.promotion_cycles} months` : ''}
            </Badge>
            {editable && (
              <Anchor
                size="xs"
                component="button"
                type="button"
                onClick={() => onChange({ kind: 'update-line', lineId: line.id, changes: { promotion_id: null } })}
              >
                remove promotion
              </Anchor>
            )}
          </Group>
        )}
      </Table.Td>
      <Table.Td ta="right">
        {editable && line.kind !== 'deposit' ? (
          <NumberInput
            aria-label={`Quantity of ${line.description}`}
            size="xs"
            min={1}
            max={MAX_QUANTITY}
            allowDecimal={false}
            w={80}
            ml="auto"
            value={quantity}
            onChange={setQuantity}
            onBlur={commitQuantity}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                commitQuantity();
              }
            }}
          />
        ) : (
          line.quantity
        )}
      </Table.Td>
      <Table.Td ta="right">{line.monthly_amount === '0.00' ? '—' : money(line.monthly_amount, currency)}</Table.Td>
      <Table.Td ta="right">{line.one_time_amount === '0.00' ? '—' : money(line.one_time_amount, currency)}</Table.Td>
      <Table.Td ta="right">{line.tax_rate}%</Table.Td>
      <Table.Td ta="right">
        {editable && line.kind !== 'deposit' && (
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={`Remove ${line.description}`}
            onClick={() => onChange({ kind: 'remove-line', lineId: line.id })}
          >
            ×
          </ActionIcon>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** One order: its lines, live totals, submission and the credit check, decisions. */
export function OrderEntry({ orderId, role }: { orderId: number; role: string }) {
  const query = useOrder(orderId);
  const change = useChangeOrder();
  if (!query.isSuccess) {
    return <QueryStatus query={query} what="the order" noAccess="You cannot see orders." />;
  }
  const order = query.data;
  const canWrite = canWriteOrders(role);
  const editable = canWrite && order.status === 'draft';
  const apply = (c: OrderChange) => change.mutate({ order, change: c });
  const conflict = isApiError(change.error, 409) && change.error.code === 'version_conflict';
  const cancellable = ['draft', 'pending_approval', 'approved'].includes(order.status);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="sm">
            <Title order={1}>Order {order.number}</Title>
            <Badge size="lg" color={statusColor(order.status)} data-testid="order-status">
              {statusLabel(order.status)}
            </Badge>
          </Group>
          <Text c="dimmed">
            {order.customer_name} · account {order.account_number} · {channelLabel(order.channel)} · opened{' '}
            {formatDateTime(order.created_at)}
          </Text>
          {order.notes != null && <Text size="sm">{order.notes}</Text>}
        </div>
        <Group gap="xs">
          {canDecideOrders(role) && order.status === 'pending_approval' && (
            <DecisionButtons order={order} decisions={['approve', 'reject']} />
          )}
          {canWrite && cancellable && <DecisionButtons order={order} decisions={['cancel']} />}
        </Group>
      </Group>

      {change.isError && (
        <Alert color={conflict ? 'yellow' : 'red'} role="alert" withCloseButton onClose={() => change.reset()}>
          {conflict
            ? 'Someone else changed this order in the meantime. It has been reloaded: check it and try again.'
            : errorMessage(change.error)}
        </Alert>
      )}

      <CreditCheckResult order={order} />

      <Grid>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Card withBorder padding="md">
            <Stack>
              <Table aria-label="Order lines" verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Item</Table.Th>
                    <Table.Th ta="right">Qty</Table.Th>
                    <Table.Th ta="right">Monthly</Table.Th>
                    <Table.Th ta="right">One-time</Table.Th>
                    <Table.Th ta="right">Tax</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {order.lines.length === 0 ? (
                    <Table.Tr>
                      <Table.Td colSpan={6}>
                        <Text c="dimmed" ta="center" py="md">
                          No lines yet{editable ? ': add a product below.' : '.'}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ) : (
                    order.lines.map((line) => (
                      <LineRow
                        key={`${line.id}-${line.quantity}`}
                        line={line}
                        currency={order.currency}
                        editable={editable}
                        onChange={apply}
                      />
                    ))
                  )}
                </Table.Tbody>
              </Table>
              {editable && <AddLineForm order={order} onChange={apply} busy={change.isPending} />}
            </Stack>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack>
            <OrderTotals order={order} />
            {editable && (
              <Button
                size="md"
                disabled={order.lines.length === 0}
                loading={change.isPending && change.variables?.change.kind === 'submit'}
                onClick={() => apply({ kind: 'submit' })}
              >
                Submit order
              </Button>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
