import { Table, Text } from '@mantine/core';
import { formatMoney } from '@/lib/format';
import type { Invoice } from '../api/get-invoice';
import { formatPercent, formatPeriod } from '../explain';
import { lineKindLabel } from '../labels';
import { isPositive, minorDigits } from '../money';

/** A precise price ("0.0125") with all its decimals, where the currency's format would round it. */
function formatPrecise(amount: string, currency: string): string {
  const decimals = amount.includes('.') ? amount.length - amount.indexOf('.') - 1 : 0;
  const digits = minorDigits(currency);
  if (decimals <= digits) return formatMoney(amount, currency);
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: Math.min(decimals, 20),
    }).format(amount as Intl.StringNumericLiteral);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** The invoice's lines as printed, then its tax per rate and its totals. */
export function InvoiceLines({ invoice }: { invoice: Invoice }) {
  const money = (amount: string) => formatMoney(amount, invoice.currency);
  const lines = [...invoice.lines].sort((a, b) => a.position - b.position);
  const anyCredited = lines.some((line) => isPositive(line.credited));
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table aria-label="Invoice lines" verticalSpacing="xs" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Description</Table.Th>
            <Table.Th>Period</Table.Th>
            <Table.Th ta="right">Quantity</Table.Th>
            <Table.Th ta="right">Unit price</Table.Th>
            <Table.Th ta="right">Net</Table.Th>
            <Table.Th ta="right">Tax</Table.Th>
            {anyCredited && <Table.Th ta="right">Credited</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lines.map((line) => (
            <Table.Tr key={line.id} data-testid="invoice-line">
              <Table.Td>
                <Text size="sm">{line.description}</Text>
                <Text size="xs" c="dimmed">
                  {lineKindLabel(line.kind)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatPeriod(line.period_start, line.period_end) ?? '—'}</Text>
              </Table.Td>
              <Table.Td ta="right">{line.quantity}</Table.Td>
              <Table.Td ta="right">{formatPrecise(line.unit_price, invoice.currency)}</Table.Td>
              <Table.Td ta="right">{money(line.amount)}</Table.Td>
              <Table.Td ta="right">
                <Text size="sm">{money(line.tax_amount)}</Text>
                <Text size="xs" c="dimmed">
                  {line.tax_name === '' ? formatPercent(line.tax_rate) : `${line.tax_name} ${formatPercent(line.tax_rate)}`}
                </Text>
              </Table.Td>
              {anyCredited && (
                <Table.Td ta="right" c={isPositive(line.credited) ? 'teal' : 'dimmed'}>
                  {money(line.credited)}
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr>
            <Table.Td colSpan={4} ta="right">
              <Text size="sm" c="dimmed">
                Subtotal
              </Text>
            </Table.Td>
            <Table.Td ta="right">{money(invoice.subtotal)}</Table.Td>
            <Table.Td colSpan={anyCredited ? 2 : 1} />
          </Table.Tr>
          {invoice.taxes.map((tax) => (
            <Table.Tr key={`${tax.name}-${tax.rate}`} data-testid="invoice-tax">
              <Table.Td colSpan={4} ta="right">
                <Text size="sm" c="dimmed">
                  {tax.name === '' ? 'Tax' : tax.name} {formatPercent(tax.rate)} on {money(tax.base)}
                </Text>
              </Table.Td>
              <Table.Td />
              <Table.Td ta="right">{money(tax.tax)}</Table.Td>
              {anyCredited && <Table.Td />}
            </Table.Tr>
          ))}
          <Table.Tr>
            <Table.Td colSpan={4} ta="right">
              <Text size="sm" fw={700}>
                Total
              </Text>
            </Table.Td>
            <Table.Td colSpan={2} ta="right">
              <Text fw={700}>{money(invoice.total)}</Text>
            </Table.Td>
            {anyCredited && <Table.Td />}
          </Table.Tr>
        </Table.Tfoot>
      </Table>
    </Table.ScrollContainer>
  );
}
