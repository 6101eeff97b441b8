import { Alert, Anchor, Badge, Button, Card, Group, Modal, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ConfirmModal } from '@/components/ui/confirm-modal';
import { QueryStatus } from '@/components/ui/query-status';
import { errorMessage, isApiError } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import { formatDateTime } from '@/lib/format';
import { notifySuccess } from '@/lib/notify';
import { useLead, useMergeLead, useUpdateLead, type Lead } from '../api/leads';
import { LEAD_SOURCE_OPTIONS, LEAD_STATUS_COLORS, LEAD_STATUS_OPTIONS, NEXT_STATUSES, labelOf } from '../labels';
import { ConvertLeadButton } from './convert-lead-modal';
import { LeadEditForm } from './lead-edit-form';
import { LeadNotes } from './lead-notes';

type LeadStatus = Schemas['LeadStatus'];
type Duplicate = Schemas['LeadDuplicate'];

const MOVE_LABELS: Record<LeadStatus, string> = {
  new: 'Back to new',
  contacted: 'Mark contacted',
  qualified: 'Mark qualified',
  won: 'Won',
  lost: 'Mark lost',
};

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text>{children}</Text>
    </div>
  );
}

function StatusActions({ lead }: { lead: Lead }) {
  const update = useUpdateLead();
  const [losing, setLosing] = useState(false);
  const [reason, setReason] = useState('');
  const move = (status: LeadStatus, lostReason?: string) =>
    update.mutate(
      { id: lead.id, version: lead.version, changes: { status, ...(lostReason ? { lost_reason: lostReason } : {}) } },
      {
        onSuccess: () => {
          setLosing(false);
          setReason('');
          notifySuccess(`Lead ${labelOf(LEAD_STATUS_OPTIONS, status).toLowerCase()}`);
        },
      },
    );
  const moves = NEXT_STATUSES[lead.status];
  return (
    <Stack gap="xs">
      {update.isError && !losing && (
        <Alert color="red" role="alert">
          {isApiError(update.error, 409) && update.error.code === 'version_conflict'
            ? 'Someone changed this lead since you opened it; it has been reloaded.'
            : errorMessage(update.error)}
        </Alert>
      )}
      <Group gap="xs">
        {moves.map((status) =>
          status === 'lost' ? (
            <Button key={status} variant="default" color="red" onClick={() => setLosing(true)}>
              {MOVE_LABELS[status]}
            </Button>
          ) : (
            <Button key={status} variant="light" loading={update.isPending} onClick={() => move(status)}>
              {lead.status === 'lost' ? 'Reopen' : MOVE_LABELS[status]}
            </Button>
          ),
        )}
      </Group>
      <Modal opened={losing} onClose={() => setLosing(false)} title="Mark the lead lost" centered>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim() !== '') move('lost', reason.trim());
          }}
        >
          <Stack gap="sm">
            {update.isError && (
              <Alert color="red" role="alert">
                {errorMessage(update.error)}
              </Alert>
            )}
            <TextInput
              label="Reason"
              placeholder="e.g. No coverage at the address"
              required
              data-autofocus
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setLosing(false)}>
                Cancel
              </Button>
              <Button type="submit" color="red" loading={update.isPending} disabled={reason.trim() === ''}>
                Mark lost
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Stack>
  );
}

function Duplicates({ lead, canMerge }: { lead: Lead; canMerge: boolean }) {
  const merge = useMergeLead();
  const [merging, setMerging] = useState<Duplicate | null>(null);
  const duplicates = lead.possible_duplicates ?? [];
  if (duplicates.length === 0) {
    return <Text c="dimmed">No possible duplicates.</Text>;
  }
  return (
    <>
      <Table aria-label="Possible duplicates">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Record</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Matches on</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {duplicates.map((d) => (
            <Table.Tr key={`${d.kind}-${d.id}`}>
              <Table.Td>
                <Anchor component={Link} to={d.kind === 'lead' ? `/leads/${d.id}` : `/customers/${d.id}`}>
                  {d.kind === 'lead' ? 'Lead' : 'Customer'} #{d.id} · {d.name}
                </Anchor>
              </Table.Td>
              <Table.Td>{d.status}</Table.Td>
              <Table.Td>{d.reasons.join(', ')}</Table.Td>
              <Table.Td ta="right">
                {canMerge && d.kind === 'lead' && (
                  <Button size="compact-sm" variant="light" onClick={() => setMerging(d)}>
                    Merge into this lead
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <ConfirmModal
        opened={merging !== null}
        title="Merge the duplicate?"
        confirmLabel="Merge"
        loading={merge.isPending}
        error={merge.isError ? errorMessage(merge.error) : null}
        onCancel={() => {
          merge.reset();
          setMerging(null);
        }}
        onConfirm={() => {
          if (merging === null) return;
          merge.mutate(
            { id: lead.id, duplicateId: merging.id },
            {
              onSuccess: () => {
                notifySuccess('Leads merged', `Lead #${merging.id} was merged into this one.`);
                setMerging(null);
              },
            },
          );
        }}
      >
        Lead #{merging?.id} ({merging?.name}) will be closed as a duplicate; its notes move here and this lead takes
        its details where its own are empty.
      </ConfirmModal>
    </>
  );
}

export interface LeadDetailProps {
  leadId: number;
  /** Agents, managers and admins change leads; others only read. */
  canEdit: boolean;
}

/** A lead: its details, pipeline actions, notes, possible duplicates, and conversion. */
export function LeadDetail({ leadId, canEdit }: LeadDetailProps) {
  const query = useLead(leadId);
  const [editing, setEditing] = useState(false);
  if (!query.isSuccess) {
    return <QueryStatus query={query} what="the lead" noAccess="You cannot see leads." />;
  }
  const lead = query.data;
  const open = lead.status !== 'won' && lead.merged_into_id == null;
  const editable = canEdit && open;
  const address = [lead.address_line1, lead.address_line2, lead.postal_code, lead.city, lead.country]
    .filter(Boolean)
    .join(', ');

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>{lead.company_name ? `${lead.company_name} (${lead.name})` : lead.name}</Title>
          <Group gap="xs" mt={4}>
            <Badge color={LEAD_STATUS_COLORS[lead.status]}>{labelOf(LEAD_STATUS_OPTIONS, lead.status)}</Badge>
            <Text c="dimmed" size="sm">
              Lead #{lead.id} · {labelOf(LEAD_SOURCE_OPTIONS, lead.source)} · captured {formatDateTime(lead.created_at)}
            </Text>
          </Group>
        </div>
        {editable && lead.status !== 'lost' && <ConvertLeadButton lead={lead} />}
      </Group>
      {lead.customer_id != null && (
        <Alert color="teal" title="Converted">
          This lead became <Anchor component={Link} to={`/customers/${lead.customer_id}`}>customer #{lead.customer_id}</Anchor>{' '}
          on {formatDateTime(lead.converted_at)}; it is read-only.
        </Alert>
      )}
      {lead.merged_into_id != null && (
        <Alert color="gray" title="Merged">
          Merged into <Anchor component={Link} to={`/leads/${lead.merged_into_id}`}>lead #{lead.merged_into_id}</Anchor>.
        </Alert>
      )}
      <Card withBorder radius="md">
        {editing && editable ? (
          <LeadEditForm lead={lead} onDone={() => setEditing(false)} />
        ) : (
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <Field label="Email">{lead.email ?? '—'}</Field>
            <Field label="Phone">{lead.phone ?? '—'}</Field>
            <Field label="Kind">{lead.kind === 'business' ? 'Business' : 'Residential'}</Field>
            <Field label="Address">{address === '' ? '—' : address}</Field>
            <Field label="Lost reason">{lead.lost_reason ?? '—'}</Field>
            <Field label="Serviceability">{lead.serviceability_note ?? '—'}</Field>
          </SimpleGrid>
        )}
        {editable && !editing && (
          <Group mt="md" justify="space-between" align="flex-start">
            <StatusActions lead={lead} />
            <Button variant="default" onClick={() => setEditing(true)}>
              Edit details
            </Button>
          </Group>
        )}
      </Card>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Card withBorder radius="md">
          <Title order={2} size="h4" mb="sm">
            Notes
          </Title>
          <LeadNotes leadId={lead.id} canAdd={editable} />
        </Card>
        <Card withBorder radius="md">
          <Title order={2} size="h4" mb="sm">
            Possible duplicates
          </Title>
          <Duplicates lead={lead} canMerge={editable && lead.status !== 'lost'} />
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
