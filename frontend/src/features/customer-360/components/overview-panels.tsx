import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { formatDate, formatDateTime, formatMoney } from '@/lib/format';
import type { CustomerOverview } from '../api/get-overview';

function Panel({ title, children, count }: { title: string; children: React.ReactNode; count?: number }) {
  return (
    <Card withBorder padding="md" component="section" aria-label={title}>
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5">
          {title}
        </Title>
        {count !== undefined && (
          <Badge variant="light" color="gray">
            {count}
          </Badge>
        )}
      </Group>
      {children}
    </Card>
  );
}

function Empty({ children }: { children: React.ReactNode }) {
  return (
    <Text c="dimmed" size="sm">
      {children}
    </Text>
  );
}

/** Short enough for a badge in a narrow column; the order page says it in full. */
const ORDER_LABEL: Record<string, string> = { pending_approval: 'needs approval' };

const ORDER_COLOR: Record<string, string> = {
  draft: 'gray',
  submitted: 'blue',
  pending_approval: 'orange',
  approved: 'green',
  provisioning: 'cyan',
};

export function OpenOrdersPanel({ overview }: { overview: CustomerOverview }) {
  const orders = overview.open_orders;
  return (
    <Panel title="Open orders" count={overview.counts.open_orders}>
      {orders.length === 0 ? (
        <Empty>No open orders.</Empty>
      ) : (
        <Table verticalSpacing={4} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Order</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th ta="right">Monthly</Table.Th>
              <Table.Th ta="right">One-time</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {orders.map((o) => (
              <Table.Tr key={o.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/orders/${o.id}`}>
                    {o.number}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {formatDateTime(o.created_at)} · {o.channel.replaceAll('_', ' ')}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge
                    size="sm"
                    color={ORDER_COLOR[o.status] ?? 'gray'}
                    data-testid="open-order-status"
                    style={{ overflow: 'visible' }}
                  >
                    {ORDER_LABEL[o.status] ?? o.status.replaceAll('_', ' ')}
                  </Badge>
                </Table.Td>
                <Table.Td ta="right">{formatMoney(o.monthly_total, o.currency)}</Table.Td>
                <Table.Td ta="right">{formatMoney(o.one_time_total, o.currency)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Panel>
  );
}

/** The same colours as the Services tab's status badges. */
const SERVICE_COLOR: Record<string, string> = { pending: 'blue', active: 'teal', suspended: 'orange' };

export function ServicesPanel({ overview }: { overview: CustomerOverview }) {
  const services = overview.active_services;
  return (
    <Panel title="Services" count={services.length}>
      {services.length === 0 ? (
        <Empty>No active services yet. Approved orders become services once they are provisioned.</Empty>
      ) : (
        <Stack gap={4}>
          {services.map((s) => (
            <Group key={s.id} justify="space-between" wrap="nowrap">
              <div>
                <Text size="sm">
                  {s.product_name} <Text span c="dimmed">({s.product_code})</Text>
                </Text>
                {(s.username != null || s.download_mbps != null) && (
                  <Text size="xs" c="dimmed">
                    {[s.username, s.download_mbps != null ? `${s.download_mbps}/${s.upload_mbps ?? '—'} Mbps` : null, s.static_ip]
                      .filter((part) => part != null)
                      .join(' · ')}
                  </Text>
                )}
              </div>
              <Group gap="xs" wrap="nowrap">
                <Badge size="sm" variant="light" color={SERVICE_COLOR[s.status] ?? 'gray'} data-testid="overview-service-status">
                  {s.status}
                </Badge>
                <Text size="sm">{formatMoney(s.monthly_price, overview.balance.currency)} / month</Text>
              </Group>
            </Group>
          ))}
        </Stack>
      )}
    </Panel>
  );
}

export function InteractionsPanel({ overview }: { overview: CustomerOverview }) {
  const interactions = overview.last_interactions;
  return (
    <Panel title="Latest interactions" count={overview.counts.interactions}>
      {interactions.length === 0 ? (
        <Empty>No calls, e-mails or visits logged yet.</Empty>
      ) : (
        <Stack gap="xs">
          {interactions.map((i) => (
            <div key={i.id}>
              <Group gap={6}>
                <Badge size="xs" variant="light">
                  {i.channel}
                </Badge>
                <Text size="xs" c="dimmed">
                  {i.direction} · {formatDateTime(i.occurred_at)}
                  {i.agent != null && ` · ${i.agent}`}
                </Text>
              </Group>
              <Text size="sm">{i.summary}</Text>
              {(i.outcome != null || i.follow_up_on != null) && (
                <Text size="xs" c="dimmed">
                  {i.outcome}
                  {i.follow_up_on != null && ` · follow up ${formatDate(i.follow_up_on)}`}
                </Text>
              )}
            </div>
          ))}
        </Stack>
      )}
    </Panel>
  );
}

export function ContactDetailsPanel({ overview }: { overview: CustomerOverview }) {
  return (
    <Panel title="Contacts and addresses">
      <Stack gap="xs">
        {overview.contacts.length === 0 && overview.addresses.length === 0 && (
          <Empty>No further contacts or addresses.</Empty>
        )}
        {overview.contacts.map((c) => (
          <Text key={`c${c.id}`} size="sm">
            <Badge size="xs" variant="outline" mr={6}>
              {c.role}
            </Badge>
            {c.name}
            {c.email != null && ` · ${c.email}`}
            {c.phone != null && ` · ${c.phone}`}
          </Text>
        ))}
        {overview.addresses.map((a) => (
          <Text key={`a${a.id}`} size="sm">
            <Badge size="xs" variant="outline" color="grape" mr={6}>
              {a.kind}
            </Badge>
            {[a.line1, a.line2, a.city, a.region, a.postal_code, a.country].filter((p) => p != null && p !== '').join(', ')}
          </Text>
        ))}
      </Stack>
    </Panel>
  );
}

export function SourceLeadsPanel({ overview }: { overview: CustomerOverview }) {
  const leads = overview.source_leads;
  return (
    <Panel title="Came from" count={leads.length}>
      {leads.length === 0 ? (
        <Empty>Created directly, not from a lead.</Empty>
      ) : (
        <Stack gap={4}>
          {leads.map((l) => (
            <Text key={l.id} size="sm">
              <Anchor component={Link} to={`/leads/${l.id}`}>
                Lead #{l.id}
              </Anchor>{' '}
              {l.name} · {l.source.replaceAll('_', ' ')} · converted {formatDateTime(l.converted_at, { never: '—' })}
            </Text>
          ))}
        </Stack>
      )}
    </Panel>
  );
}

export function OverviewPanels({ overview }: { overview: CustomerOverview }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <ServicesPanel overview={overview} />
      <OpenOrdersPanel overview={overview} />
      <InteractionsPanel overview={overview} />
      <Stack gap="md">
        <ContactDetailsPanel overview={overview} />
        <SourceLeadsPanel overview={overview} />
      </Stack>
    </SimpleGrid>
  );
}
