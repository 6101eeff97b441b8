import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  Radio,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { formatMoney } from '@/lib/format';
import { notifySuccess } from '@/lib/notify';
import type { Invoice } from '../api/get-invoice';
import { useInvoiceCommand } from '../api/invoice-commands';
import {
  creditableLines,
  creditPreview,
  creditProblems,
  creditRequest,
  emptyCreditForm,
  hasProblems,
  openAmount,
  REASON_MAX,
  serverCreditProblems,
  type CreditFormValues,
  type CreditMode,
  type CreditProblems,
} from '../credit';
import { formatPercent } from '../explain';
import { invoiceName } from '../labels';

interface CreditInvoiceModalProps {
  invoice: Invoice;
  idempotencyKey: string;
  onClose: () => void;
}

const MODES: { value: CreditMode; label: string; description: string }[] = [
  { value: 'full', label: 'Everything left', description: 'Credits every line in full, tax included.' },
  {
    value: 'lines',
    label: 'Chosen lines',
    description: 'Each line in full, or a net amount of it; its tax is added at the line’s rate.',
  },
  {
    value: 'amount',
    label: 'An amount',
    description: 'A gross amount (tax included), spread over the invoice’s tax rates.',
  },
];

/**
 * A credit note against an issued invoice: everything left, chosen lines (in full or by a
 * net amount), or a gross amount; the reason is required and printed on the credit note.
 */
export function CreditInvoiceModal({ invoice, idempotencyKey, onClose }: CreditInvoiceModalProps) {
  const command = useInvoiceCommand(invoice);
  const [values, setValues] = useState<CreditFormValues>(emptyCreditForm);
  const [problems, setProblems] = useState<CreditProblems>({ line: {} });
  const lines = creditableLines(invoice);
  const open = openAmount(invoice);
  const money = (amount: string) => formatMoney(amount, invoice.currency);
  const preview = creditPreview(values, invoice);
  const name = invoiceName(invoice);

  const change = (next: Partial<CreditFormValues>, clear: (keyof CreditProblems)[]) => {
    setValues((current) => ({ ...current, ...next }));
    setProblems((current) => {
      const copy = { ...current, form: undefined };
      for (const key of clear) {
        if (key === 'line') copy.line = {};
        else delete copy[key];
      }
      return copy;
    });
  };
  const setLine = (id: number, choice: Partial<{ selected: boolean; amount: string }>) => {
    setValues((v) => ({
      ...v,
      lines: { ...v.lines, [id]: { ...(v.lines[id] ?? { selected: false, amount: '' }), ...choice } },
    }));
    setProblems((p) => {
      const line = { ...p.line };
      delete line[id];
      return { ...p, line, lines: undefined, form: undefined };
    });
  };

  const submit = () => {
    const found = creditProblems(values, invoice);
    setProblems(found);
    if (hasProblems(found)) return;
    const request = creditRequest(values, invoice);
    command.mutate(
      { command: { kind: 'credit', request }, idempotencyKey },
      {
        onSuccess: (result) => {
          if (result.kind === 'credit') {
            notifySuccess(
              `Credit note ${result.creditNote.number} issued`,
              `${formatMoney(result.creditNote.total, result.creditNote.currency)} credited on invoice ${name}.`,
            );
          }
          onClose();
        },
        onError: (error) => setProblems(serverCreditProblems(error, request)),
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title={`Credit invoice ${name}`} size="xl" centered>
      <form
        noValidate
        aria-label={`Credit invoice ${name}`}
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack>
          <Text size="sm">
            Total {money(invoice.total)}, credited so far {money(invoice.amount_credited)}:{' '}
            <strong>{money(open)}</strong> is left to credit.
          </Text>
          <Radio.Group
            label="What to credit"
            value={values.mode}
            onChange={(mode) => change({ mode: mode }, ['amount', 'lines', 'line'])}
          >
            <Stack gap="xs" mt={4}>
              {MODES.map((mode) => (
                <Radio
                  key={mode.value}
                  value={mode.value}
                  label={mode.label}
                  description={mode.description}
                  disabled={mode.value === 'lines' && lines.length === 0}
                />
              ))}
            </Stack>
          </Radio.Group>

          {values.mode === 'lines' && (
            <Stack gap={4}>
              <Table aria-label="Lines to credit" verticalSpacing={4} styles={{ th: { whiteSpace: 'nowrap' } }}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th />
                    <Table.Th>Line</Table.Th>
                    <Table.Th ta="right">Left (net)</Table.Th>
                    <Table.Th>Tax</Table.Th>
                    <Table.Th>Net amount to credit</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {lines.map((line) => {
                    const choice = values.lines[line.id] ?? { selected: false, amount: '' };
                    return (
                      <Table.Tr key={line.id}>
                        <Table.Td>
                          <Checkbox
                            aria-label={`Credit ${line.description}`}
                            checked={choice.selected}
                            onChange={(event) => setLine(line.id, { selected: event.currentTarget.checked })}
                          />
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{line.description}</Text>
                        </Table.Td>
                        <Table.Td ta="right">{money(line.left)}</Table.Td>
                        <Table.Td>
                          <Text size="sm">{line.taxName === '' ? formatPercent(line.taxRate) : `${line.taxName} ${formatPercent(line.taxRate)}`}</Text>
                        </Table.Td>
                        <Table.Td>
                          <TextInput
                            size="xs"
                            aria-label={`Amount to credit on ${line.description}`}
                            placeholder={`All: ${line.left}`}
                            inputMode="decimal"
                            disabled={!choice.selected}
                            value={choice.amount}
                            error={problems.line[line.id]}
                            onChange={(event) => setLine(line.id, { amount: event.currentTarget.value })}
                          />
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
              {problems.lines !== undefined && (
                <Text size="sm" c="red" role="alert">
                  {problems.lines}
                </Text>
              )}
            </Stack>
          )}

          {values.mode === 'amount' && (
            <TextInput
              label="Amount, tax included"
              description={`At most ${money(open)}`}
              inputMode="decimal"
              required
              w={240}
              value={values.amount}
              error={problems.amount}
              onChange={(event) => change({ amount: event.currentTarget.value }, ['amount'])}
            />
          )}

          <Textarea
            label="Reason"
            description="Printed on the credit note and kept in the customer’s history."
            required
            rows={2}
            maxLength={REASON_MAX}
            value={values.reason}
            error={problems.reason}
            onChange={(event) => change({ reason: event.currentTarget.value }, ['reason'])}
          />

          {preview !== null && (
            <Text size="sm" data-testid="credit-preview">
              Credit note total: <strong>{money(preview.total)}</strong>
              {preview.net !== '' && ` (net ${money(preview.net)} + tax ${money(preview.tax)})`}
            </Text>
          )}

          {problems.form !== undefined && (
            <Alert color="red" role="alert" title="No credit note was issued">
              {problems.form}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={command.isPending}>
              Back
            </Button>
            <Button type="submit" loading={command.isPending}>
              Issue credit note
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
