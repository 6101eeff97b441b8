import { Table, Text } from '@mantine/core';
import type { Schemas } from '@/lib/api/types';
import { formatDate, formatMoney } from '@/lib/format';
import { PdfButton } from './pdf-button';

type CreditNoteSummary = Schemas['CreditNoteSummary'];

/** An invoice's credit notes, each with its PDF. */
export function CreditNotesTable({ creditNotes }: { creditNotes: CreditNoteSummary[] }) {
  if (creditNotes.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        No credit notes on this invoice.
      </Text>
    );
  }
  return (
    <Table aria-label="Credit notes" verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Credit note</Table.Th>
          <Table.Th>Issued</Table.Th>
          <Table.Th>Reason</Table.Th>
          <Table.Th ta="right">Total</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {creditNotes.map((note) => (
          <Table.Tr key={note.id} data-testid="credit-note-row">
            <Table.Td fw={500}>{note.number}</Table.Td>
            <Table.Td>{formatDate(note.issue_date)}</Table.Td>
            <Table.Td maw={360}>
              <Text size="sm">{note.reason}</Text>
            </Table.Td>
            <Table.Td ta="right">{formatMoney(note.total, note.currency)}</Table.Td>
            <Table.Td ta="right">
              <PdfButton
                document={{ kind: 'credit-note', id: note.id }}
                filename={`${note.number}.pdf`}
                label="PDF"
                ariaLabel={`Open the PDF of credit note ${note.number}`}
              />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
