import { Autocomplete, Button, Group, Paper, SimpleGrid, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { EMPTY_AUDIT_FILTERS, hasFilters, type AuditFilterKey, type AuditFilters } from '../filters';

/** Actions and entity types the API records today; any other value can still be typed. */
const KNOWN_ACTIONS = [
  'user.created',
  'user.updated',
  'user.bootstrapped',
  'session.created',
  'session.ended',
  'session.reuse_detected',
  'api_client.created',
  'api_client.updated',
  'api_client.secret_rotated',
  'api_client.deleted',
  'customer.created',
];
const KNOWN_ENTITY_TYPES = ['user', 'api_client', 'customer'];

interface AuditLogFiltersProps {
  /** The filters in force (from the URL). */
  value: AuditFilters;
  onApply: (filters: AuditFilters) => void;
}

/** The filter form: edits stay local until "Apply" (or Enter) puts them into the URL. */
export function AuditLogFilters({ value, onApply }: AuditLogFiltersProps) {
  const [draft, setDraft] = useState<AuditFilters>(value);
  const set = (key: AuditFilterKey) => (next: string) => setDraft((current) => ({ ...current, [key]: next }));
  const text = (key: AuditFilterKey) => ({
    value: draft[key],
    onChange: (event: { currentTarget: HTMLInputElement }) => set(key)(event.currentTarget.value),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };

  return (
    <Paper withBorder p="md" radius="md" component="form" onSubmit={submit} aria-label="Filter the audit log">
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" verticalSpacing="xs">
        <Autocomplete label="Action" placeholder="e.g. user.created" data={KNOWN_ACTIONS} value={draft.action} onChange={set('action')} />
        <Autocomplete
          label="Entity type"
          placeholder="e.g. user"
          data={KNOWN_ENTITY_TYPES}
          value={draft.entity_type}
          onChange={set('entity_type')}
        />
        <TextInput label="Entity ID" placeholder="e.g. 42" {...text('entity_id')} />
        <TextInput label="Actor" placeholder="e.g. user:1" {...text('actor')} />
        <TextInput label="Request ID" placeholder="x-request-id" {...text('request_id')} />
        <TextInput label="From" type="date" {...text('from')} />
        <TextInput label="To" type="date" {...text('to')} />
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <Button type="submit">Apply filters</Button>
          <Button
            variant="default"
            disabled={!hasFilters(value) && !hasFilters(draft)}
            onClick={() => {
              setDraft(EMPTY_AUDIT_FILTERS);
              onApply(EMPTY_AUDIT_FILTERS);
            }}
          >
            Clear
          </Button>
        </Group>
      </SimpleGrid>
    </Paper>
  );
}
