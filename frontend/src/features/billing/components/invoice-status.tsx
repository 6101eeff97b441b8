import { Badge, Group } from '@mantine/core';
import { invoiceStatusColor, invoiceStatusLabel } from '../labels';

/** The invoice's status, and "Overdue" beside it when it is past its due date unpaid. */
export function InvoiceStatusBadge({ status, overdue, size = 'sm' }: { status: string; overdue: boolean; size?: string }) {
  return (
    <Group gap={4} wrap="nowrap" data-testid="invoice-status">
      <Badge size={size} variant="light" color={invoiceStatusColor(status)}>
        {invoiceStatusLabel(status)}
      </Badge>
      {overdue && (
        <Badge size={size} color="red" variant="filled">
          Overdue
        </Badge>
      )}
    </Group>
  );
}
