import { Group, Progress, Stack, Text, Tooltip } from '@mantine/core';
import { errorMessage } from '@/lib/api/problem';
import { formatDate } from '@/lib/format';
import { useUsage } from '../api/get-usage';
import { formatBytes } from '../rules';
import { capColor, usageBars } from '../usage';

const CHART_HEIGHT = 48;

/** Usage in the current billing period against the plan's cap, with a bar per day. */
export function UsageMeter({ subscriptionId }: { subscriptionId: number }) {
  const usage = useUsage(subscriptionId);
  if (usage.isPending) return <Text size="xs" c="dimmed">Loading usage…</Text>;
  if (usage.isError) return <Text size="xs" c="red">{errorMessage(usage.error)}</Text>;
  const u = usage.data;
  const percent = u.percent_used == null ? null : Number(u.percent_used);
  const today = new Date().toISOString().slice(0, 10);
  const bars = usageBars(u.days, u.period_start, u.period_end, today);
  const lastDay = new Date(`${u.period_end}T00:00:00Z`);
  lastDay.setUTCDate(lastDay.getUTCDate() - 1);
  return (
    <Stack gap={6} aria-label={`Usage of subscription ${subscriptionId}`}>
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={500}>
          Usage this period
        </Text>
        <Text size="xs" c="dimmed">
          {formatDate(u.period_start)} – {formatDate(lastDay.toISOString().slice(0, 10))}
        </Text>
      </Group>
      <Text size="sm">
        {formatBytes(u.total_octets)}
        {u.cap_octets != null ? ` of ${formatBytes(u.cap_octets)}` : ' (no cap)'}
        <Text span size="xs" c="dimmed">
          {' '}
          · ↓ {formatBytes(u.output_octets)} ↑ {formatBytes(u.input_octets)}
        </Text>
        {u.cap_reached_at != null && (
          <Text span size="xs" c="red">
            {' '}
            · cap reached {formatDate(u.cap_reached_at)}
          </Text>
        )}
      </Text>
      {u.cap_octets != null && (
        <Progress
          value={Math.min(percent ?? 0, 100)}
          color={capColor(percent)}
          size="sm"
          aria-label={`${percent ?? 0}% of the cap used`}
        />
      )}
      {bars.every((b) => b.height === 0) ? (
        <Text size="xs" c="dimmed">
          No traffic recorded this period yet.
        </Text>
      ) : (
        <svg
          role="img"
          aria-label="Daily usage"
          width="100%"
          height={CHART_HEIGHT}
          viewBox={`0 0 ${Math.max(bars.length, 1) * 10} ${CHART_HEIGHT}`}
          preserveAspectRatio="none"
        >
          {bars.map((b, i) => {
            const h = Math.max(b.height * CHART_HEIGHT, b.height > 0 ? 1 : 0);
            return (
              <Tooltip.Floating key={b.date} label={`${formatDate(b.date)}: ↓ ${formatBytes(b.download)} ↑ ${formatBytes(b.upload)}`}>
                <rect x={i * 10 + 1} y={CHART_HEIGHT - h} width={8} height={h} fill="var(--mantine-color-blue-5)" />
              </Tooltip.Floating>
            );
          })}
          <line x1={0} y1={CHART_HEIGHT - 0.5} x2={bars.length * 10} y2={CHART_HEIGHT - 0.5} stroke="var(--mantine-color-gray-4)" />
        </svg>
      )}
    </Stack>
  );
}
