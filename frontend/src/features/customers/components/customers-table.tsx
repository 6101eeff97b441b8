import { Anchor, Badge, Button, Group, Paper, Select, SimpleGrid, Table, Text } from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import { QueryStatus } from '@/components/ui/query-status';
import { formatDateTime } from '@/lib/format';
import { useCustomerClasses, useCustomers, type CustomerFilters } from '../api/customers';
import { KIND_OPTIONS, labelOf, STATUS_OPTIONS } from '../labels';

const STATUS_COLORS = { active: 'teal', suspended: 'orange', closed: 'gray' } as const;

function filtersOf(params: URLSearchParams): CustomerFilters {
  const status = params.get('status') ?? '';
  const kind = params.get('kind') ?? '';
  return {
    status: STATUS_OPTIONS.some((o) => o.value === status) ? (status as CustomerFilters['status']) : '',
    kind: KIND_OPTIONS.some((o) => o.value === kind) ? (kind as CustomerFilters['kind']) : '',
    class: params.get('class') ?? '',
  };
}

/** The customer list with its filters (status, kind, class), which live in the URL. */
export function CustomersTable() {
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const customers = useCustomers(filters);
  const classes = useCustomerClasses();
  const setFilter = (key: keyof CustomerFilters) => (value: string | null) => {
    const next = new URLSearchParams(params);
    if (value === null || value === '') next.delete(key);
    else next.set(key, value);
    setParams(next);
  };
  const any = { value: '', label: 'Any' };

  return (
    <>
      <Paper withBorder p="md" radius="md" component="form" aria-label="Filter customers">
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <Select label="Status" data={[any, ...STATUS_OPTIONS]} value={filters.status} onChange={setFilter('status')} />
          <Select label="Kind" data={[any, ...KIND_OPTIONS]} value={filters.kind} onChange={setFilter('kind')} />
          <Select
            label="Class"
            data={[any, ...(classes.data ?? []).map((c) => ({ value: c.code, label: c.name }))]}
            value={filters.class}
            onChange={setFilter('class')}
          />
        </SimpleGrid>
      </Paper>
      {customers.isSuccess ? (
        <>
          <Table.ScrollContainer minWidth={820}>
            <Table striped highlightOnHover aria-label="Customers">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Account</Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Class</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Phone</Table.Th>
                  <Table.Th>Since</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {customers.data.pages.flatMap((p) => p.items).length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={8}>
                      <Text c="dimmed" ta="center" py="lg">
                        No customers match.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {customers.data.pages
                  .flatMap((p) => p.items)
                  .map((c) => (
                    <Table.Tr key={c.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/customers/${c.id}`}>
                          {c.account_number}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{c.company_name ? `${c.company_name} (${c.name})` : c.name}</Table.Td>
                      <Table.Td>{labelOf(KIND_OPTIONS, c.kind)}</Table.Td>
                      <Table.Td>{c.class_code}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={STATUS_COLORS[c.status]}>
                          {labelOf(STATUS_OPTIONS, c.status)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{c.email ?? '—'}</Table.Td>
                      <Table.Td>{c.phone ?? '—'}</Table.Td>
                      <Table.Td>{formatDateTime(c.created_at)}</Table.Td>
                    </Table.Tr>
                  ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {customers.hasNextPage && (
            <Group justify="center">
              <Button variant="default" loading={customers.isFetchingNextPage} onClick={() => void customers.fetchNextPage()}>
                Load more
              </Button>
            </Group>
          )}
        </>
      ) : (
        <QueryStatus query={customers} what="customers" noAccess="You cannot see customers." />
      )}
    </>
  );
}
