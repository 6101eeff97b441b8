import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';

interface ReasonModalProps {
  opened: boolean;
  title: string;
  /** What the decision does, in a sentence. */
  description: string;
  confirmLabel: string;
  confirmColor?: string;
  loading?: boolean;
  error?: string | null;
  onConfirm: (reason: string) => void;
  onClose: () => void;
}

/** Asks why before approving, rejecting or cancelling an order: the reason is kept on it. */
export function ReasonModal({
  opened,
  title,
  description,
  confirmLabel,
  confirmColor,
  loading = false,
  error = null,
  onConfirm,
  onClose,
}: ReasonModalProps) {
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const close = () => {
    setReason('');
    setMissing(false);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={title} centered>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (reason.trim() === '') {
            setMissing(true);
            return;
          }
          onConfirm(reason.trim());
        }}
      >
        <Stack>
          <Text size="sm">{description}</Text>
          <Textarea
            label="Reason"
            description="Kept on the order and in its history."
            required
            rows={3}
            maxLength={1000}
            data-autofocus
            value={reason}
            error={missing ? 'Say why' : undefined}
            onChange={(event) => {
              setReason(event.currentTarget.value);
              setMissing(false);
            }}
          />
          {error !== null && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={loading}>
              Back
            </Button>
            <Button type="submit" color={confirmColor} loading={loading}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
