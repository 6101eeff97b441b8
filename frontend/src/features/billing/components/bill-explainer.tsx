import { Badge, Card, Group, Stack, Table, Text, ThemeIcon, Title } from '@mantine/core';
import type { Invoice } from '../api/get-invoice';
import { explainLine, formatPeriod, totalsWalkthrough, type LineExplanation } from '../explain';
import { invoiceName } from '../labels';

function WhyLine({ line, index }: { line: LineExplanation; index: number }) {
  return (
    <Card withBorder padding="sm" component="section" aria-label={`Line ${index}: ${line.description}`} data-testid="why-line">
      <Stack gap={6}>
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Group gap="sm" align="flex-start" wrap="nowrap">
            <ThemeIcon variant="light" radius="xl" size="md" color={line.negative ? 'teal' : 'blue'} aria-hidden>
              <Text size="xs" fw={700}>
                {index}
              </Text>
            </ThemeIcon>
            <div>
              <Text fw={600}>{line.description}</Text>
              <Text size="sm" c="dimmed">
                {line.title}
                {line.period !== null && ` · ${line.period}`}
              </Text>
            </div>
          </Group>
          <div style={{ textAlign: 'right', whiteSpace: 'nowrap' }}>
            <Text fw={700} c={line.negative ? 'teal' : undefined} data-testid="why-line-amount">
              {line.net}
            </Text>
            <Text size="xs" c="dimmed">
              {line.gross} with tax
            </Text>
          </div>
        </Group>
        {line.explanation !== '' && (
          <Text size="sm" data-testid="why-line-explanation" pl={40}>
            {line.explanation}
          </Text>
        )}
        {line.figures.length > 0 && (
          <Group gap={6} pl={40} data-testid="why-line-figures">
            {line.figures.map((figure) => (
              <Badge key={figure} variant="light" color="blue" tt="none" fw={500} size="lg" radius="sm">
                {figure}
              </Badge>
            ))}
          </Group>
        )}
        <Text size="sm" pl={40} data-testid="why-line-tax">
          <Text span c="dimmed">
            Tax:{' '}
          </Text>
          {line.tax}
          {line.credited !== null && (
            <Text span c="teal">
              {' '}
              · {line.credited} of it credited since
            </Text>
          )}
        </Text>
      </Stack>
    </Card>
  );
}

/**
 * "Why is my bill this amount": every line with the rule and period that produced it, its
 * figures and its tax, then how the lines add up to the total and to what is due.
 */
export function BillExplainer({ invoice }: { invoice: Invoice }) {
  const lines = [...invoice.lines].sort((a, b) => a.position - b.position).map((line) => explainLine(line, invoice.currency));
  const steps = totalsWalkthrough(invoice);
  const period = formatPeriod(invoice.period_start, invoice.period_end);
  return (
    <Stack gap="sm" aria-label="Why this amount" component="section">
      <Text size="sm" c="dimmed">
        Invoice {invoiceName(invoice)}
        {period !== null && ` covers ${period}`}. Services are billed a period in advance; data over a cap is billed after the
        period it was used in. Each line says which rule made it and with which figures; the sum is at the end.
      </Text>
      {lines.length === 0 && <Text c="dimmed">This invoice has no lines.</Text>}
      {lines.map((line, index) => (
        <WhyLine key={line.id} line={line} index={index + 1} />
      ))}
      <Card withBorder padding="sm" component="section" aria-label="How the total adds up">
        <Title order={3} size="h5" mb={4}>
          How the total adds up
        </Title>
        <Table verticalSpacing={4} withRowBorders={false} data-testid="why-totals">
          <Table.Tbody>
            {steps.map((step) => (
              <Table.Tr key={`${step.sign}${step.label}`} style={step.strong ? { borderTop: '1px solid var(--mantine-color-gray-3)' } : undefined}>
                <Table.Td w={24} c="dimmed" ta="center">
                  {step.sign}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" fw={step.strong ? 700 : undefined}>
                    {step.label}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm" fw={step.strong ? 700 : undefined}>
                    {step.amount}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {invoice.status === 'draft' && (
          <Text size="xs" c="dimmed" mt={4}>
            A draft is not owed yet: it is owed once it is issued.
          </Text>
        )}
        {invoice.status === 'void' && (
          <Text size="xs" c="dimmed" mt={4}>
            This invoice is void: nothing on it is owed.{invoice.void_reason != null && ` Reason: ${invoice.void_reason}`}
          </Text>
        )}
      </Card>
    </Stack>
  );
}
