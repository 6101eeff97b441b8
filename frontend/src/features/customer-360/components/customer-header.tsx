import { Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { formatMoney } from '@/lib/format';
import type { CustomerOverview } from '../api/get-overview';

const STATUS_COLOR: Record<string, string> = { active: 'green', suspended: 'orange', closed: 'gray' };

function Figure({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fw={600} size="lg" data-testid={testId}>
        {children}
      </Text>
    </div>
  );
}

/** Who the customer is and where they stand, at a glance. */
export function CustomerHeader({ overview }: { overview: CustomerOverview }) {
  const { customer, balance, class: customerClass, counts } = overview;
  const billing = customer.billing;
  const overdue = Number(balance.overdue) > 0;
  return (
    <Card withBorder padding="lg">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start">
          <div>
            <Group gap="xs">
              <Title order={1} data-testid="customer-name">
                {customer.name}
              </Title>
              <Badge color={STATUS_COLOR[customer.status] ?? 'gray'} data-testid="customer-status">
                {customer.status}
              </Badge>
              <Badge variant="light">{customer.kind}</Badge>
              <Badge variant="outline" title="Customer class: its credit policy applies">
                {customerClass.name} class
              </Badge>
            </Group>
            {customer.company_name != null && <Text fw={500}>{customer.company_name}</Text>}
            <Text c="dimmed" size="sm">
              Account <strong data-testid="account-number">#{customer.account_number}</strong>
              {customer.email != null && ` · ${customer.email}`}
              {customer.phone != null && ` · ${customer.phone}`}
              {customer.tax_id != null && ` · Tax id ${customer.tax_id}`}
            </Text>
          </div>
        </Group>
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <Figure label="Balance" testId="customer-balance">
            {formatMoney(balance.amount, balance.currency)}
          </Figure>
          <Figure label="Overdue" testId="customer-overdue">
            <Text span c={overdue ? 'red' : undefined} fw={600} size="lg">
              {formatMoney(balance.overdue, balance.currency)}
            </Text>
          </Figure>
          <Figure label="Open orders">{counts.open_orders}</Figure>
          <Figure label="Credit limit">{formatMoney(customerClass.credit_limit, customerClass.currency)}</Figure>
        </SimpleGrid>
        <Text size="sm" c="dimmed">
          Billing:{' '}
          {billing.cycle === 'calendar' ? `calendar cycle, day ${billing.day ?? 1}` : 'anniversary cycle'} · invoices by{' '}
          {billing.invoice_delivery} · autopay {billing.autopay ? 'on' : 'off'} · {billing.currency} · tax zone{' '}
          {billing.tax_zone}
          {billing.tax_exempt && ' (tax exempt)'} · payment terms {customerClass.payment_terms_days} days
        </Text>
      </Stack>
    </Card>
  );
}
