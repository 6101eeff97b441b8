import { Alert, Button, Group, Select, SimpleGrid, Stack, TextInput, Textarea } from '@mantine/core';
import { isNotEmpty, useForm } from '@mantine/form';
import { useState } from 'react';
import { newIdempotencyKey } from '@/lib/api/idempotency';
import { errorMessage, explainedByFields, fieldErrors } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import { notifySuccess } from '@/lib/notify';
import { useLogInteraction, type Interaction } from '../api/interactions';
import { CHANNEL_OPTIONS, DIRECTION_OPTIONS, optional } from '../labels';

const FIELDS = ['channel', 'direction', 'summary', 'outcome', 'follow_up_on'] as const;

interface InteractionFormValues {
  channel: Schemas['InteractionChannel'];
  direction: Schemas['InteractionDirection'];
  summary: string;
  outcome: string;
  follow_up_on: string;
}

const INITIAL: InteractionFormValues = { channel: 'call', direction: 'inbound', summary: '', outcome: '', follow_up_on: '' };

export interface InteractionFormProps {
  customerId: number;
  /** Called with the logged interaction, after the form has been cleared. */
  onLogged?: (interaction: Interaction) => void;
}

/** Logs a call, email, visit, chat, SMS or note with a customer; the agent is the signed-in user. */
export function InteractionForm({ customerId, onLogged }: InteractionFormProps) {
  const logInteraction = useLogInteraction();
  // One key per interaction being written: a double click logs it once.
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const form = useForm<InteractionFormValues>({
    initialValues: INITIAL,
    validate: { summary: isNotEmpty('Write what happened') },
  });

  const submit = form.onSubmit((values) => {
    const outcome = optional(values.outcome);
    const input = {
      channel: values.channel,
      direction: values.direction,
      summary: values.summary.trim(),
      ...(outcome === undefined ? {} : { outcome }),
      ...(values.follow_up_on === '' ? {} : { follow_up_on: values.follow_up_on }),
    };
    logInteraction.mutate(
      { customerId, input, idempotencyKey },
      {
        onSuccess: (interaction) => {
          form.reset();
          setIdempotencyKey(newIdempotencyKey());
          notifySuccess('Interaction logged');
          onLogged?.(interaction);
        },
        onError: (error) => {
          for (const [field, message] of Object.entries(fieldErrors(error))) {
            if ((FIELDS as readonly string[]).includes(field)) form.setFieldError(field, message);
          }
        },
      },
    );
  });

  const showAlert = logInteraction.isError && !explainedByFields(logInteraction.error, FIELDS);

  return (
    <form onSubmit={submit} noValidate aria-label="Log an interaction">
      <Stack gap="sm">
        {showAlert && (
          <Alert color="red" title="Could not log the interaction" role="alert">
            {errorMessage(logInteraction.error)}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <Select label="Channel" data={CHANNEL_OPTIONS} allowDeselect={false} {...form.getInputProps('channel')} />
          <Select label="Direction" data={DIRECTION_OPTIONS} allowDeselect={false} {...form.getInputProps('direction')} />
          <TextInput label="Follow up on" type="date" {...form.getInputProps('follow_up_on')} />
        </SimpleGrid>
        <Textarea label="Summary" required rows={3} {...form.getInputProps('summary')} />
        <TextInput label="Outcome" placeholder="e.g. Sent offer" {...form.getInputProps('outcome')} />
        <Group justify="flex-end">
          <Button type="submit" loading={logInteraction.isPending}>
            Log interaction
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
