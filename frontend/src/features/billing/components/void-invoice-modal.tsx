import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { errorMessage, fieldErrors } from '@/lib/api/problem';
import { notifySuccess } from '@/lib/notify';
import type { Invoice } from '../api/get-invoice';
import { useInvoiceCommand } from '../api/invoice-commands';
import { REASON_MAX } from '../credit';
import { invoiceName } from '../labels';

interface VoidInvoiceModalProps {
  invoice: Invoice;
  idempotencyKey: string;
  onClose: () => void;
}

/** Voids an issued invoice nothing was paid or credited on; the reason is required. */
export function VoidInvoiceModal({ invoice, idempotencyKey, onClose }: VoidInvoiceModalProps) {
  const command = useInvoiceCommand(invoice);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const serverReason = fieldErrors(command.error).reason;
  const name = invoiceName(invoice);
  return (
    <Modal opened onClose={onClose} title={`Void invoice ${name}`} centered>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const trimmed = reason.trim();
          if (trimmed === '') return setProblem('Say why: it is kept on the invoice and in the customer’s history');
          if ([...trimmed].length > REASON_MAX) return setProblem(`At most ${REASON_MAX} characters`);
          command.mutate(
            { command: { kind: 'void', reason: trimmed }, idempotencyKey },
            {
              onSuccess: () => {
                notifySuccess(`Invoice ${name} is void`);
                onClose();
              },
            },
          );
        }}
      >
        <Stack>
          <Text size="sm">
            The invoice stops being owed and the customer’s balance goes down by its total. Its number stays used.
            Use a credit note instead when the customer has paid any of it.
          </Text>
          <Textarea
            label="Reason"
            required
            rows={3}
            maxLength={REASON_MAX}
            data-autofocus
            value={reason}
            error={problem ?? serverReason}
            onChange={(event) => {
              setReason(event.currentTarget.value);
              setProblem(null);
            }}
          />
          {command.isError && serverReason === undefined && (
            <Alert color="red" role="alert" title="The invoice was not voided">
              {errorMessage(command.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={command.isPending}>
              Back
            </Button>
            <Button type="submit" color="red" loading={command.isPending}>
              Void invoice
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
