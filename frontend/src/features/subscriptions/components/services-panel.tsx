import {
  Accordion,
  Alert,
  Badge,
  Button,
  Card,
  CopyButton,
  Group,
  Loader,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { QueryStatus } from '@/components/ui/query-status';
import type { Role } from '@/lib/api/types';
import { formatDate, formatDateTime, formatMoney } from '@/lib/format';
import { useCustomerSubscriptions, type Subscription } from '../api/get-subscriptions';
import {
  allowedActions,
  formatSpeeds,
  statusColor,
  statusLabel,
  suspendReasonLabel,
  type SubscriptionAction,
} from '../rules';
import { ChangePlanModal, RestoreModal, SuspendModal, TerminateModal } from './command-modals';
import { RevealPassword } from './reveal-password';
import { SessionsList } from './sessions-list';
import { UsageMeter } from './usage-meter';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

type OpenModal = Exclude<SubscriptionAction, 'show-password'> | null;

interface ServiceCardProps {
  subscription: Subscription;
  customerId: number;
  role: Role;
  /** The service's provisioning jobs, from the provisioning feature. */
  renderJobs?: (subscriptionId: number) => ReactNode;
}

const ACTION_BUTTONS: { action: Exclude<SubscriptionAction, 'show-password'>; label: string; color?: string; variant: string }[] = [
  { action: 'suspend', label: 'Suspend', color: 'orange', variant: 'light' },
  { action: 'restore', label: 'Restore', color: 'teal', variant: 'filled' },
  { action: 'change-plan', label: 'Change plan', variant: 'default' },
  { action: 'terminate', label: 'Terminate', color: 'red', variant: 'subtle' },
];

function ServiceCard({ subscription: s, customerId, role, renderJobs }: ServiceCardProps) {
  const [open, setOpen] = useState<OpenModal>(null);
  const actions = allowedActions(s, role);
  const speeds = formatSpeeds(s.download_mbps, s.upload_mbps);
  const title = s.username ?? `${s.product_name} #${s.id}`;
  const close = () => setOpen(null);
  return (
    <Card withBorder padding="md" component="section" aria-label={`Service ${title}`} data-testid="service-card">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Group gap="xs">
              <Title order={4} size="h5">
                {s.product_name}
              </Title>
              <Text size="xs" c="dimmed">
                {s.product_code} · v{s.plan_version}
              </Text>
              {s.kind === 'addon' && (
                <Badge size="xs" variant="outline">
                  add-on
                </Badge>
              )}
            </Group>
            <Text size="sm">
              <Text span fw={500} size="sm">
                {formatMoney(s.monthly_price, s.currency)} / month
              </Text>
              <Text span c="dimmed" size="sm">
                {s.started_at != null ? ` · since ${formatDateTime(s.started_at)}` : ' · not started yet'}
              </Text>
            </Text>
          </div>
          <Badge color={statusColor(s.status)} size="lg" data-testid="service-status">
            {statusLabel(s.status)}
          </Badge>
        </Group>

        {s.open_jobs > 0 && (
          <Group gap="xs" role="status" data-testid="service-applying">
            <Loader size="xs" />
            <Text size="sm" c="blue">
              Applying to the network…
            </Text>
          </Group>
        )}
        {s.failed_jobs > 0 && (
          <Alert color="red" variant="light" title="Provisioning failed" role="alert" py="xs">
            The network did not take the last change ({s.failed_jobs} failed job{s.failed_jobs === 1 ? '' : 's'}).
            See the jobs below; a manager can retry them.
          </Alert>
        )}
        {s.status === 'suspended' && (
          <Alert color="orange" variant="light" py="xs" data-testid="service-suspend-reason">
            Suspended{s.suspend_reason != null && ` for ${suspendReasonLabel(s.suspend_reason).toLowerCase()}`}
            {s.suspended_at != null && ` since ${formatDateTime(s.suspended_at)}`}.
          </Alert>
        )}
        {s.pending_change != null && (
          <Alert color="blue" variant="light" py="xs">
            Moves to {s.pending_change.product_name} (v{s.pending_change.plan_version}) on{' '}
            {formatDate(s.pending_change.effective_on)}.
          </Alert>
        )}
        {s.status === 'terminated' && s.termination_reason != null && (
          <Text size="sm" c="dimmed">
            Terminated: {s.termination_reason}
          </Text>
        )}

        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
          <Field label="Speed">{speeds ?? '—'}</Field>
          <Field label="Username">
            {s.username == null ? (
              '—'
            ) : (
              <Group gap={4} wrap="nowrap">
                <Text span size="sm" ff="monospace">
                  {s.username}
                </Text>
                <CopyButton value={s.username}>
                  {({ copied, copy }) => (
                    <Button size="compact-xs" variant="subtle" onClick={copy} aria-label={`Copy username ${s.username}`}>
                      {copied ? 'Copied' : 'Copy'}
                    </Button>
                  )}
                </CopyButton>
              </Group>
            )}
          </Field>
          <Field label="Static IP">{s.static_ip ?? '—'}</Field>
          <Field label="Contract ends">
            {s.contract_end_on == null ? 'No minimum term' : formatDate(s.contract_end_on)}
          </Field>
        </SimpleGrid>

        {actions.length > 0 && (
          <Group gap="xs">
            {ACTION_BUTTONS.filter((b) => actions.includes(b.action)).map((b) => (
              <Button key={b.action} size="xs" color={b.color} variant={b.variant} onClick={() => setOpen(b.action)}>
                {b.label}
              </Button>
            ))}
            {actions.includes('show-password') && <RevealPassword subscriptionId={s.id} />}
          </Group>
        )}

        {s.kind === 'plan' && s.status !== 'pending' && s.status !== 'terminated' && (
          <UsageMeter subscriptionId={s.id} />
        )}

        <Accordion variant="separated" multiple chevronPosition="left" styles={{ label: { paddingBlock: 6 } }}>
          {s.kind === 'plan' && (
            <Accordion.Item value="sessions">
              <Accordion.Control>
                <Text size="sm">Sessions</Text>
              </Accordion.Control>
              <Accordion.Panel>
                <SessionsList subscriptionId={s.id} />
              </Accordion.Panel>
            </Accordion.Item>
          )}
          {renderJobs !== undefined && (
            <Accordion.Item value="jobs">
              <Accordion.Control>
                <Text size="sm">Provisioning jobs</Text>
              </Accordion.Control>
              <Accordion.Panel>{renderJobs(s.id)}</Accordion.Panel>
            </Accordion.Item>
          )}
        </Accordion>
      </Stack>

      {open === 'suspend' && <SuspendModal subscription={s} customerId={customerId} onClose={close} />}
      {open === 'restore' && <RestoreModal subscription={s} customerId={customerId} onClose={close} />}
      {open === 'change-plan' && <ChangePlanModal subscription={s} customerId={customerId} role={role} onClose={close} />}
      {open === 'terminate' && <TerminateModal subscription={s} customerId={customerId} role={role} onClose={close} />}
    </Card>
  );
}

interface ServicesPanelProps {
  customerId: number;
  role: Role;
  renderJobs?: (subscriptionId: number) => ReactNode;
}

/** Every subscription of the customer, live ones first, with what staff can do to each. */
export function ServicesPanel({ customerId, role, renderJobs }: ServicesPanelProps) {
  const subscriptions = useCustomerSubscriptions(customerId);
  if (!subscriptions.isSuccess) {
    return <QueryStatus query={subscriptions} what="services" noAccess="You cannot see this customer's services." />;
  }
  if (subscriptions.data.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        No services yet. Approved orders become services once they are provisioned.
      </Text>
    );
  }
  return (
    <Stack gap="md">
      {subscriptions.data.map((s) => (
        <ServiceCard key={s.id} subscription={s} customerId={customerId} role={role} renderJobs={renderJobs} />
      ))}
    </Stack>
  );
}
