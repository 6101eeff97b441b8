import { Alert, Button, Checkbox, Group, Modal, Radio, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { errorMessage, explainedByFields, fieldErrors } from '@/lib/api/problem';
import { formatDate, formatMoney } from '@/lib/format';
import type { Role } from '@/lib/api/types';
import { notifySuccess } from '@/lib/notify';
import { useSubscriptionCommand, type CommandResult } from '../api/commands';
import { usePlansOnSale } from '../api/get-plans';
import type { Subscription } from '../api/get-subscriptions';
import {
  canOverrideTerms,
  feeMayBeOwed,
  planChangeKind,
  SUSPEND_REASONS,
  suspendFormProblems,
  terminateFormProblems,
  terminationWord,
  today,
  type SuspendFormValues,
  type TerminateFormValues,
} from '../rules';

interface CommandModalProps {
  subscription: Subscription;
  customerId: number;
  onClose: () => void;
}

function nullIfBlank(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function ErrorAlert({ error, fields }: { error: unknown; fields: readonly string[] }) {
  if (error == null || explainedByFields(error, fields)) return null;
  return (
    <Alert color="red" role="alert" title="The service was not changed">
      {errorMessage(error)}
    </Alert>
  );
}

function showFieldErrors(error: unknown, fields: Record<string, string>, setFieldError: (f: string, m: string) => void) {
  for (const [apiField, message] of Object.entries(fieldErrors(error))) {
    const formField = fields[apiField];
    if (formField !== undefined) setFieldError(formField, message);
  }
}

export function SuspendModal({ subscription, customerId, onClose }: CommandModalProps) {
  const command = useSubscriptionCommand(customerId);
  const form = useForm<SuspendFormValues>({
    initialValues: { reason: '', note: '' },
    validate: (values) => suspendFormProblems(values),
  });
  const submit = form.onSubmit((values) =>
    command.mutate(
      { subscription, command: { kind: 'suspend', reason: values.reason, note: nullIfBlank(values.note) } },
      {
        onSuccess: () => {
          notifySuccess(`${subscription.product_name} suspended`, 'The network cuts the service off now.');
          onClose();
        },
        onError: (error) => showFieldErrors(error, { reason: 'reason', note: 'note' }, form.setFieldError),
      },
    ),
  );
  return (
    <Modal opened onClose={onClose} title={`Suspend ${subscription.product_name}`} centered>
      <form onSubmit={submit} noValidate aria-label="Suspend service">
        <Stack>
          <Text size="sm">
            The subscriber is cut off on the network until the service is restored. Billing goes on as the
            ISP&apos;s suspension policy says.
          </Text>
          <Select
            label="Reason"
            placeholder="Why is the service suspended?"
            required
            data={SUSPEND_REASONS.map((r) => ({ value: r.value, label: r.label }))}
            allowDeselect={false}
            data-autofocus
            {...form.getInputProps('reason')}
          />
          <Textarea label="Note" description="For the timeline: what was agreed, who asked." rows={3} maxLength={1000} {...form.getInputProps('note')} />
          <ErrorAlert error={command.error} fields={['reason', 'note']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={command.isPending}>
              Back
            </Button>
            <Button type="submit" color="orange" loading={command.isPending}>
              Suspend service
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function RestoreModal({ subscription, customerId, onClose }: CommandModalProps) {
  const command = useSubscriptionCommand(customerId);
  const [note, setNote] = useState('');
  return (
    <Modal opened onClose={onClose} title={`Restore ${subscription.product_name}`} centered>
      <form
        noValidate
        aria-label="Restore service"
        onSubmit={(event) => {
          event.preventDefault();
          command.mutate(
            { subscription, command: { kind: 'restore', note: nullIfBlank(note) } },
            {
              onSuccess: () => {
                notifySuccess(`${subscription.product_name} restored`, 'The network turns the service back on now.');
                onClose();
              },
            },
          );
        }}
      >
        <Stack>
          <Text size="sm">The subscriber gets the full service back on the network.</Text>
          <Textarea label="Note" rows={2} maxLength={1000} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
          <ErrorAlert error={command.error} fields={[]} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={command.isPending}>
              Back
            </Button>
            <Button type="submit" color="teal" loading={command.isPending} data-autofocus>
              Restore service
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

const CHANGE_LABEL: Record<string, string> = { upgrade: 'Upgrade', downgrade: 'Downgrade', sidegrade: 'Same price' };

type DowngradeTiming = 'default' | 'next_cycle' | 'immediate';

export function ChangePlanModal({ subscription, customerId, onClose, role }: CommandModalProps & { role: Role }) {
  const command = useSubscriptionCommand(customerId);
  const plans = usePlansOnSale(true);
  const [productId, setProductId] = useState<string | null>(null);
  const [timing, setTiming] = useState<DowngradeTiming>('default');
  const [note, setNote] = useState('');
  const [missing, setMissing] = useState(false);
  const [done, setDone] = useState<Extract<CommandResult, { kind: 'change-plan' }> | null>(null);

  const choices = (plans.data ?? [])
    .filter((p) => p.id !== subscription.product_id && p.current_version?.currency === subscription.currency)
    .map((p) => {
      const price = p.current_version?.monthly_price ?? '0';
      const kind = planChangeKind(subscription.monthly_price, price);
      return { product: p, price, kind };
    });
  const chosen = choices.find((c) => String(c.product.id) === productId) ?? null;
  const offerTiming = chosen?.kind === 'downgrade' && canOverrideTerms(role);

  if (done !== null) {
    const now = done.effectiveOn <= today();
    return (
      <Modal opened onClose={onClose} title={`Change plan of ${subscription.product_name}`} centered>
        <Stack>
          <Alert color="teal" role="status" title={`${CHANGE_LABEL[done.change] ?? done.change} to ${chosen?.product.name ?? 'the new plan'}`}>
            {now
              ? `Effective today (${formatDate(done.effectiveOn)}): the network applies the new speeds now.`
              : `Scheduled: takes effect on ${formatDate(done.effectiveOn)}, the start of the next billing period.`}
          </Alert>
          <Group justify="flex-end">
            <Button onClick={onClose} data-autofocus>
              Close
            </Button>
          </Group>
        </Stack>
      </Modal>
    );
  }

  return (
    <Modal opened onClose={onClose} title={`Change plan of ${subscription.product_name}`} centered size="lg">
      <form
        noValidate
        aria-label="Change plan"
        onSubmit={(event) => {
          event.preventDefault();
          if (chosen === null) {
            setMissing(true);
            return;
          }
          command.mutate(
            {
              subscription,
              command: {
                kind: 'change-plan',
                productId: chosen.product.id,
                downgrade: offerTiming && timing !== 'default' ? timing : null,
                note: nullIfBlank(note),
              },
            },
            { onSuccess: (result) => result.kind === 'change-plan' && setDone(result) },
          );
        }}
      >
        <Stack>
          <Text size="sm">
            Now on {subscription.product_name} at {formatMoney(subscription.monthly_price, subscription.currency)} a month.
            Upgrades apply today; downgrades follow the ISP&apos;s policy (usually the next billing period).
          </Text>
          <Select
            label="New plan"
            placeholder={plans.isPending ? 'Loading plans…' : 'Pick a plan'}
            required
            searchable
            data-autofocus
            nothingFoundMessage="No other plan on sale in this currency"
            data={choices.map((c) => ({
              value: String(c.product.id),
              label: `${c.product.name} — ${formatMoney(c.price, subscription.currency)}/month · ${CHANGE_LABEL[c.kind]}`,
            }))}
            value={productId}
            onChange={(value) => {
              setProductId(value);
              setMissing(false);
            }}
            error={missing ? 'Pick a plan' : plans.isError ? errorMessage(plans.error) : (fieldErrors(command.error).product_id ?? undefined)}
          />
          {offerTiming && (
            <Radio.Group label="When does the downgrade apply?" value={timing} onChange={(v) => setTiming(v)}>
              <Stack gap={6} mt={6}>
                <Radio value="default" label="As the ISP's policy says" />
                <Radio value="next_cycle" label="At the start of the next billing period" />
                <Radio value="immediate" label="Immediately" />
              </Stack>
            </Radio.Group>
          )}
          <Textarea label="Note" rows={2} maxLength={1000} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
          <ErrorAlert error={command.error} fields={['product_id']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={command.isPending}>
              Back
            </Button>
            <Button type="submit" loading={command.isPending}>
              {chosen === null ? 'Change plan' : `${CHANGE_LABEL[chosen.kind]} to ${chosen.product.name}`}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function TerminateModal({ subscription, customerId, onClose, role }: CommandModalProps & { role: Role }) {
  const command = useSubscriptionCommand(customerId);
  const word = terminationWord(subscription);
  const insideContract = feeMayBeOwed(subscription.contract_end_on, today());
  const mayWaive = canOverrideTerms(role);
  const form = useForm<TerminateFormValues>({
    initialValues: { reason: '', waiveFee: false, confirmation: '' },
    validate: (values) => terminateFormProblems(values, word),
  });
  const submit = form.onSubmit((values) =>
    command.mutate(
      { subscription, command: { kind: 'terminate', reason: values.reason.trim(), waiveFee: mayWaive && values.waiveFee } },
      {
        onSuccess: (result) => {
          const fee = result.kind === 'terminate' ? result.earlyTerminationFee : '0';
          notifySuccess(
            `${subscription.product_name} terminated`,
            /^0(\.0+)?$/.test(fee)
              ? 'No early-termination fee.'
              : `An early-termination fee of ${formatMoney(fee, subscription.currency)} goes on the next invoice.`,
          );
          onClose();
        },
        onError: (error) => showFieldErrors(error, { reason: 'reason', waive_fee: 'waiveFee' }, form.setFieldError),
      },
    ),
  );
  return (
    <Modal opened onClose={onClose} title={`Terminate ${subscription.product_name}`} centered size="lg">
      <form onSubmit={submit} noValidate aria-label="Terminate service">
        <Stack>
          <Text size="sm">
            The service ends for good: the network forgets the subscriber{subscription.static_ip != null && ', the static IP goes back to its pool'}
            , and its add-ons end with it. This cannot be undone; a new order is needed to connect again.
          </Text>
          {insideContract && (
            <Alert color="yellow" title="Inside the contract" role="alert">
              The contract runs until {formatDate(subscription.contract_end_on)}. Ending it now may add an
              early-termination fee{subscription.early_termination_fee != null && ` (${formatMoney(subscription.early_termination_fee, subscription.currency)})`} to
              the next invoice.
            </Alert>
          )}
          <Textarea label="Reason" required rows={3} maxLength={1000} data-autofocus {...form.getInputProps('reason')} />
          {insideContract && mayWaive && (
            <Checkbox
              label="Waive the early-termination fee"
              description="Managers and admins only; kept in the audit log."
              {...form.getInputProps('waiveFee', { type: 'checkbox' })}
            />
          )}
          <TextInput
            label={`Type ${word} to confirm`}
            required
            autoComplete="off"
            {...form.getInputProps('confirmation')}
          />
          <ErrorAlert error={command.error} fields={['reason']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={command.isPending}>
              Back
            </Button>
            <Button type="submit" color="red" loading={command.isPending}>
              Terminate service
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
