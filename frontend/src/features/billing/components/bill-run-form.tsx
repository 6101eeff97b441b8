import { Alert, Button, Card, Radio, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { ConfirmModal } from '@/components/ui/confirm-modal';
import { newIdempotencyKey } from '@/lib/api/idempotency';
import { errorMessage, explainedByFields, fieldErrors } from '@/lib/api/problem';
import { formatDate } from '@/lib/format';
import type { BillRun } from '../api/get-bill-runs';
import { useCreateBillRun } from '../api/bill-run-commands';
import { todayIso } from '../dates';
import { RUN_MODE_INFO, RUN_MODES, type RunMode } from '../labels';

interface BillRunFormProps {
  onStarted: (run: BillRun) => void;
}

/** Start a bill run: the day to bill up to, and whether to preview, make drafts or issue. */
export function BillRunForm({ onStarted }: BillRunFormProps) {
  const create = useCreateBillRun();
  const [runOn, setRunOn] = useState(todayIso);
  const [mode, setMode] = useState<RunMode>('dry_run');
  const [dateProblem, setDateProblem] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  // One key per intended run: a double click or a retry does not start two.
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const today = todayIso();
  const serverErrors = fieldErrors(create.error);

  const start = () => {
    create.mutate(
      { request: { run_on: runOn, mode }, idempotencyKey },
      {
        onSuccess: (run) => {
          setConfirming(false);
          setIdempotencyKey(newIdempotencyKey());
          onStarted(run);
        },
        onError: () => setConfirming(false),
      },
    );
  };

  const submit = () => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(runOn)) return setDateProblem('Choose a day');
    if (mode !== 'dry_run' && runOn > today) {
      return setDateProblem('Invoices are made on or after their day; preview a later day with a dry run');
    }
    // Issuing cannot be taken back: ask once more.
    if (mode === 'issue') return setConfirming(true);
    start();
  };

  return (
    <Card withBorder padding="md" component="section" aria-label="Start a bill run">
      <form
        noValidate
        aria-label="New bill run"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm">
          <Title order={2} size="h4">
            Start a bill run
          </Title>
          <TextInput
            label="Bill up to"
            description="Every subscription whose period starts on or before this day, usage whose period has ended, and waiting charges."
            type="date"
            required
            w={{ base: '100%', sm: 360 }}
            value={runOn}
            error={dateProblem ?? serverErrors.run_on}
            onChange={(event) => {
              setRunOn(event.currentTarget.value);
              setDateProblem(null);
            }}
          />
          <Radio.Group
            label="Mode"
            value={mode}
            onChange={(value) => {
              setMode(value);
              setDateProblem(null);
            }}
            error={serverErrors.mode}
          >
            <Stack gap="xs" mt={4}>
              {RUN_MODES.map((value) => (
                <Radio key={value} value={value} label={RUN_MODE_INFO[value].label} description={RUN_MODE_INFO[value].description} />
              ))}
            </Stack>
          </Radio.Group>
          {create.isError && !explainedByFields(create.error, ['run_on', 'mode']) && (
            <Alert color="red" role="alert" title="The run was not started">
              {errorMessage(create.error)}
            </Alert>
          )}
          <div>
            <Button type="submit" loading={create.isPending && !confirming} color={mode === 'issue' ? 'orange' : undefined}>
              {RUN_MODE_INFO[mode].button}
            </Button>
          </div>
        </Stack>
      </form>
      <ConfirmModal
        opened={confirming}
        title="Bill and issue?"
        confirmLabel="Bill and issue"
        confirmColor="orange"
        loading={create.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={start}
      >
        <Text size="sm">
          Every customer due by {formatDate(runOn)} gets an issued invoice with its number and due date, owed from now on.
          Corrections after that are credit notes. A dry run shows what this would make without writing anything.
        </Text>
      </ConfirmModal>
    </Card>
  );
}
