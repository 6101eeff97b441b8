import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import type { RevealedSecret } from '../api/secret';

interface CopyableValueProps {
  label: string;
  value: string;
  testId: string;
}

function CopyableValue({ label, value, testId }: CopyableValueProps) {
  return (
    <div>
      <Text size="sm" fw={500} mb={4}>
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap" align="stretch">
        <Code
          block
          data-testid={testId}
          aria-label={label}
          style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap', display: 'flex', alignItems: 'center' }}
        >
          {value}
        </Code>
        <CopyButton value={value} timeout={2000}>
          {({ copied, copy }) => (
            <Button
              variant={copied ? 'filled' : 'light'}
              color={copied ? 'teal' : undefined}
              onClick={copy}
              w={96}
              h="auto"
              aria-label={`Copy ${label.toLowerCase()}`}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
    </div>
  );
}

interface SecretModalProps {
  /** The secret to show; null shows nothing. The caller forgets it in `onClose`. */
  revealed: RevealedSecret | null;
  /** What happened: "created" for a new client, "rotated" for a new secret. */
  reason: 'created' | 'rotated';
  onClose: () => void;
}

/**
 * Shows a client's secret, once. It is rendered only while `revealed` is set, so closing
 * (which clears it in the caller) removes it from the page at once, without a fade-out.
 */
export function SecretModal({ revealed, reason, onClose }: SecretModalProps) {
  if (revealed === null) return null;
  return (
    <Modal
      opened
      onClose={onClose}
      title={reason === 'created' ? `API client "${revealed.client.name}" created` : `New secret for "${revealed.client.name}"`}
      size="lg"
      centered
      closeOnClickOutside={false}
      closeOnEscape={false}
      transitionProps={{ duration: 0 }}
    >
      <Stack>
        <Alert color="yellow" title="Copy the secret now: it cannot be shown again" role="alert">
          ispbill keeps only a fingerprint of this secret, so nobody can look it up later. Store it in
          the integration&apos;s secret store now. If it is lost, rotate the secret to get a new one.
          {reason === 'rotated' && ' The previous secret has already stopped working.'}
        </Alert>
        <CopyableValue label="Client ID" value={revealed.client.client_id} testId="client-id" />
        <CopyableValue label="Client secret" value={revealed.secret} testId="client-secret" />
        <Group justify="flex-end">
          <Button onClick={onClose}>I have stored the secret</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
