import { AccordionChevron, Badge, Box, Button, Code, Group, ScrollArea, SimpleGrid, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { Fragment, useState } from 'react';
import { QueryStatus } from '@/components/ui/query-status';
import { formatDateTime } from '@/lib/format';
import { useAuditLog, type AuditEntry } from '../api/get-audit-log';
import type { AuditQuery } from '../filters';

const COLUMNS = 7;

function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** Top-level fields whose value differs between `before` and `after` (both objects). */
function changedFields(before: unknown, after: unknown): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(before) || !isObject(after)) return [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])).sort();
}

function JsonPanel({ label, value, absent }: { label: string; value: unknown; absent: string }) {
  return (
    <Stack gap={4} miw={0}>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      {value === null || value === undefined ? (
        <Text size="sm" c="dimmed" fs="italic">
          {absent}
        </Text>
      ) : (
        <ScrollArea.Autosize mah={360} type="auto">
          <Code block aria-label={`${label} (JSON)`} fz="xs" bg="white" style={{ border: '1px solid var(--mantine-color-gray-3)' }}>
            {pretty(value)}
          </Code>
        </ScrollArea.Autosize>
      )}
    </Stack>
  );
}

function EntryDetails({ entry }: { entry: AuditEntry }) {
  const changed = changedFields(entry.before, entry.after);
  return (
    <Stack gap="sm" py="xs">
      {changed.length > 0 && (
        <Group gap={6}>
          <Text size="sm" c="dimmed">
            Changed:
          </Text>
          {changed.map((field) => (
            <Badge key={field} size="sm" variant="light" color="orange" tt="none">
              {field}
            </Badge>
          ))}
        </Group>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <JsonPanel label="Before" value={entry.before} absent="Nothing: this change created it." />
        <JsonPanel label="After" value={entry.after} absent="Nothing: this change deleted it." />
      </SimpleGrid>
    </Stack>
  );
}

interface EntryRowProps {
  entry: AuditEntry;
  expanded: boolean;
  onToggle: () => void;
}

function EntryRow({ entry, expanded, onToggle }: EntryRowProps) {
  const detailsId = `audit-entry-${entry.id}`;
  return (
    <Fragment>
      <Table.Tr
        onClick={onToggle}
        style={{ cursor: 'pointer' }}
        bg={expanded ? 'gray.1' : undefined}
        data-testid="audit-entry"
      >
        <Table.Td w={36} pr={0}>
          <UnstyledButton
            aria-expanded={expanded}
            aria-controls={expanded ? detailsId : undefined}
            aria-label={`${expanded ? 'Hide' : 'Show'} the change of ${entry.action} ${entry.entity_type} ${entry.entity_id}`}
            onClick={(event) => {
              event.stopPropagation();
              onToggle();
            }}
            display="flex"
          >
            <AccordionChevron size={16} style={{ transform: expanded ? 'none' : 'rotate(-90deg)', transition: 'transform 150ms' }} />
          </UnstyledButton>
        </Table.Td>
        <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(entry.at, { seconds: true })}</Table.Td>
        <Table.Td>
          <Text size="sm" ff="monospace">
            {entry.actor}
          </Text>
        </Table.Td>
        <Table.Td>
          {entry.actor_role ? (
            <Badge variant="light" color="gray" tt="none" miw="max-content">
              {entry.actor_role}
            </Badge>
          ) : (
            <Text size="sm" c="dimmed">
              —
            </Text>
          )}
        </Table.Td>
        <Table.Td>
          <Badge variant="light" tt="none" miw="max-content">
            {entry.action}
          </Badge>
        </Table.Td>
        <Table.Td>
          <Text size="sm">
            {entry.entity_type}{' '}
            <Text span c="dimmed" size="sm">
              #{entry.entity_id}
            </Text>
          </Text>
        </Table.Td>
        <Table.Td>
          {entry.request_id ? (
            <Code fz="xs">{entry.request_id}</Code>
          ) : (
            <Text size="sm" c="dimmed">
              —
            </Text>
          )}
        </Table.Td>
      </Table.Tr>
      {expanded && (
        <Table.Tr id={detailsId} bg="gray.0">
          <Table.Td colSpan={COLUMNS}>
            <EntryDetails entry={entry} />
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}

interface AuditLogTableProps {
  query: AuditQuery;
  filtered: boolean;
  onClearFilters: () => void;
}

export function AuditLogTable({ query, filtered, onClearFilters }: AuditLogTableProps) {
  const log = useAuditLog(query);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const toggle = (id: number) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  if (!log.isSuccess) {
    return <QueryStatus query={log} what="the audit log" noAccess="Only administrators can read the audit log." />;
  }

  const entries = log.data.pages.flatMap((page) => page.items);

  return (
    <Box>
      <Table.ScrollContainer minWidth={960}>
        <Table highlightOnHover aria-label="Audit log" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={36} />
              <Table.Th>Time</Table.Th>
              <Table.Th>Actor</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Entity</Table.Th>
              <Table.Th>Request ID</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.length === 0 ? (
              <Table.Tr>
                <Table.Td colSpan={COLUMNS}>
                  <Stack align="center" gap="xs" py="lg">
                    <Text c="dimmed">{filtered ? 'No entries match these filters.' : 'The audit log is empty.'}</Text>
                    {filtered && (
                      <Button variant="default" size="xs" onClick={onClearFilters}>
                        Clear filters
                      </Button>
                    )}
                  </Stack>
                </Table.Td>
              </Table.Tr>
            ) : (
              entries.map((entry) => (
                <EntryRow key={entry.id} entry={entry} expanded={expanded.has(entry.id)} onToggle={() => toggle(entry.id)} />
              ))
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {log.hasNextPage && (
        <Group justify="center" mt="md">
          <Button variant="default" loading={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
            Load more
          </Button>
        </Group>
      )}
    </Box>
  );
}
