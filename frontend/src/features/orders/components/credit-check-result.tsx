import { Alert, List, Text } from '@mantine/core';
import { formatDateTime } from '@/lib/format';
import type { Order } from '../api/get-order';
import { money } from '../status';

/** What the credit check said at submission, in plain words, and what was decided. */
export function CreditCheckResult({ order }: { order: Order }) {
  const check = order.credit_check;
  if (!check) return null;
  const approved = check.outcome === 'approved';
  return (
    <Alert
      color={approved ? 'teal' : 'orange'}
      title={approved ? 'Credit check: approved' : "Credit check: needs a manager's approval"}
    >
      {check.reasons.length > 0 ? (
        <List size="sm" spacing={4}>
          {check.reasons.map((reason) => (
            <List.Item key={reason.code}>{reason.message}</List.Item>
          ))}
        </List>
      ) : (
        <Text size="sm">The order is within the {check.customer_class} class's credit policy.</Text>
      )}
      {check.deposit != null && (
        <Text size="sm" mt="xs">
          A deposit of {money(check.deposit, order.currency)} was added as a one-time charge.
        </Text>
      )}
      {order.decision_reason != null && order.decided_at != null && (
        <Text size="sm" mt="xs" data-testid="decision">
          {order.status === 'approved' ? 'Approved' : order.status === 'rejected' ? 'Rejected' : 'Decided'}{' '}
          {formatDateTime(order.decided_at)}: {order.decision_reason}
        </Text>
      )}
    </Alert>
  );
}
