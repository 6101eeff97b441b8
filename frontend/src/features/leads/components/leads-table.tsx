import { Anchor, Badge, Button, Group, Paper, Select, SimpleGrid, Table, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { QueryStatus } from '@/components/ui/query-status';
import { formatDateTime } from '@/lib/format';
import { useLeads, type LeadFilters } from '../api/leads';
import { LEAD_SOURCE_OPTIONS, LEAD_STATUS_COLORS, LEAD_STATUS_OPTIONS, labelOf } from '../labels';

function filtersOf(params: URLSearchParams): LeadFilters {
  const status = params.get('status') ?? '';
  const source = params.get('source') ?? '';
  return {
    status: LEAD_STATUS_OPTIONS.some((o) => o.value === status) ? (status as LeadFilters['status']) : '',
    source: LEAD_SOURCE_OPTIONS.some((o) => o.value === source) ? (source as LeadFilters['source']) : '',
    owner: /^\d+$/.test(params.get('owner') ?? '') ? (params.get('owner') ?? '') : '',
    q: params.get('q') ?? '',
  };
}

export interface LeadsTableProps {
  /** The signed-in staff user, for the "Mine" owner filter. */
  meId: number;
}

/** The lead list with its filters (status, source, owner, text), which live in the URL. */
export function LeadsTable({ meId }: LeadsTableProps) {
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const leads = useLeads(filters);
  const [q, setQ] = useState(filters.q);
  const set = (key: keyof LeadFilters, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value === null || value === '') next.delete(key);
    else next.set(key, value);
    setParams(next);
  };
  const any = { value: '', label: 'Any' };
  const search = (event: FormEvent) => {
    event.preventDefault();
    set('q', q.trim());
  };
  const rows = leads.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <Paper withBorder p="md" radius="md" component="form" onSubmit={search} aria-label="Filter leads">
        <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="sm">
          <Select
            label="Status"
            data={[any, ...LEAD_STATUS_OPTIONS]}
            value={filters.status}
            onChange={(v) => set('status', v)}
          />
          <Select
            label="Source"
            data={[any, ...LEAD_SOURCE_OPTIONS]}
            value={filters.source}
            onChange={(v) => set('source', v)}
          />
          <Select
            label="Owner"
            data={[any, { value: String(meId), label: 'Mine' }]}
            value={filters.owner === String(meId) ? filters.owner : ''}
            onChange={(v) => set('owner', v)}
          />
          <TextInput
            label="Search"
            placeholder="Name, email or phone"
            value={q}
            onChange={(e) => setQ(e.currentTarget.value)}
            onBlur={() => q.trim() !== filters.q && set('q', q.trim())}
          />
        </SimpleGrid>
      </Paper>
      {leads.isSuccess ? (
        <>
          <Table.ScrollContainer minWidth={760}>
            <Table striped highlightOnHover aria-label="Leads">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Source</Table.Th>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Phone</Table.Th>
                  <Table.Th>Captured</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={6}>
                      <Text c="dimmed" ta="center" py="lg">
                        No leads match.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {rows.map((lead) => (
                  <Table.Tr key={lead.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/leads/${lead.id}`}>
                        {lead.company_name ? `${lead.company_name} (${lead.name})` : lead.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={LEAD_STATUS_COLORS[lead.status]}>
                        {labelOf(LEAD_STATUS_OPTIONS, lead.status)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{labelOf(LEAD_SOURCE_OPTIONS, lead.source)}</Table.Td>
                    <Table.Td>{lead.email ?? '—'}</Table.Td>
                    <Table.Td>{lead.phone ?? '—'}</Table.Td>
                    <Table.Td>{formatDateTime(lead.created_at)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {leads.hasNextPage && (
            <Group justify="center">
              <Button variant="default" loading={leads.isFetchingNextPage} onClick={() => void leads.fetchNextPage()}>
                Load more
              </Button>
            </Group>
          )}
        </>
      ) : (
        <QueryStatus query={leads} what="leads" noAccess="You cannot see leads." />
      )}
    </>
  );
}
