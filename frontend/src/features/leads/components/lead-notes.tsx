import { Alert, Badge, Button, Group, Paper, Stack, Text, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { QueryStatus } from '@/components/ui/query-status';
import { newIdempotencyKey } from '@/lib/api/idempotency';
import { errorMessage } from '@/lib/api/problem';
import { formatDateTime } from '@/lib/format';
import { useAddLeadNote, useLeadInteractions } from '../api/leads';

function AddNoteForm({ leadId }: { leadId: number }) {
  const addNote = useAddLeadNote();
  const [summary, setSummary] = useState('');
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (summary.trim() === '') return;
    addNote.mutate(
      { id: leadId, idempotencyKey, input: { channel: 'note', direction: 'internal', summary: summary.trim() } },
      {
        onSuccess: () => {
          setSummary('');
          setIdempotencyKey(newIdempotencyKey());
        },
      },
    );
  };
  return (
    <form onSubmit={submit} aria-label="Add a note">
      <Stack gap="xs">
        {addNote.isError && (
          <Alert color="red" role="alert">
            {errorMessage(addNote.error)}
          </Alert>
        )}
        <Textarea
          label="Note"
          placeholder="What was said, what comes next"
          rows={3}
          value={summary}
          onChange={(e) => setSummary(e.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={addNote.isPending} disabled={summary.trim() === ''}>
            Add note
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export interface LeadNotesProps {
  leadId: number;
  /** Notes can be added while the lead is open (and the caller may write). */
  canAdd: boolean;
}

/** A lead's notes and interactions, newest first, with a form to add one. */
export function LeadNotes({ leadId, canAdd }: LeadNotesProps) {
  const notes = useLeadInteractions(leadId);
  return (
    <Stack gap="sm">
      {canAdd && <AddNoteForm leadId={leadId} />}
      {notes.isSuccess ? (
        <Stack gap="xs" aria-label="Notes">
          {notes.data.pages.flatMap((p) => p.items).length === 0 && (
            <Text c="dimmed" ta="center">
              No notes yet.
            </Text>
          )}
          {notes.data.pages
            .flatMap((p) => p.items)
            .map((note) => (
              <Paper key={note.id} withBorder p="sm" radius="md" data-testid="lead-note">
                <Group justify="space-between">
                  <Badge variant="light">{note.channel}</Badge>
                  <Text size="xs" c="dimmed">
                    {formatDateTime(note.occurred_at)}
                    {note.agent_name ? ` · ${note.agent_name}` : ''}
                  </Text>
                </Group>
                <Text mt={4} style={{ whiteSpace: 'pre-wrap' }}>
                  {note.summary}
                </Text>
              </Paper>
            ))}
        </Stack>
      ) : (
        <QueryStatus query={notes} what="notes" noAccess="You cannot see this lead's notes." />
      )}
    </Stack>
  );
}
