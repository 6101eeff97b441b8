import { Progress, Stack, Text } from '@mantine/core';
import type { BillRun } from '../api/get-bill-runs';
import { runProgress } from '../progress';

/** The run's progress bar and what it is doing, in a sentence. */
export function RunProgress({ run, compact = false }: { run: BillRun; compact?: boolean }) {
  const progress = runProgress(run);
  return (
    <Stack gap={4} data-testid="run-progress" data-status={run.status}>
      <Progress
        value={progress.value}
        color={progress.color}
        striped={progress.animated}
        animated={progress.animated}
        size={compact ? 'sm' : 'xl'}
        radius="sm"
        aria-label={`Bill run ${run.id}: ${progress.label}`}
      />
      <Text size={compact ? 'xs' : 'sm'} c={run.status === 'failed' ? 'red' : 'dimmed'} data-testid="run-progress-label">
        {progress.label}
      </Text>
    </Stack>
  );
}
