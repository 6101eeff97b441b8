import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';
import { ifMatch, invoiceQueryKey, type Invoice } from './get-invoice';

export type CreditNote = Schemas['CreditNote'];
export type CreditNoteRequest = Schemas['CreditNoteRequest'];

/** What the person acted on: the invoice as they read it. */
type Target = Pick<Invoice, 'id' | 'version' | 'customer_id'>;

/** Issue a draft: it gets its number and due date. */
export function issueInvoice(invoice: Target, idempotencyKey: string): Promise<Invoice> {
  return unwrap(
    apiClient.POST('/api/v1/invoices/{id}/issue', {
      params: { path: { id: invoice.id }, header: { ...ifMatch(invoice.version), 'Idempotency-Key': idempotencyKey } },
    }),
  );
}

/** Void an issued invoice nothing was paid or credited on. */
export function voidInvoice(invoice: Target, reason: string, idempotencyKey: string): Promise<Invoice> {
  return unwrap(
    apiClient.POST('/api/v1/invoices/{id}/void', {
      params: { path: { id: invoice.id }, header: { ...ifMatch(invoice.version), 'Idempotency-Key': idempotencyKey } },
      body: { reason },
    }),
  );
}

/** Credit an issued invoice in full, by lines, or by an amount. */
export function creditInvoice(invoice: Target, request: CreditNoteRequest, idempotencyKey: string): Promise<CreditNote> {
  return unwrap(
    apiClient.POST('/api/v1/invoices/{id}/credit-notes', {
      params: { path: { id: invoice.id }, header: { ...ifMatch(invoice.version), 'Idempotency-Key': idempotencyKey } },
      body: request,
    }),
  );
}

export type InvoiceCommand =
  | { kind: 'issue' }
  | { kind: 'void'; reason: string }
  | { kind: 'credit'; request: CreditNoteRequest };

export type InvoiceCommandResult = { kind: 'issue' | 'void'; invoice: Invoice } | { kind: 'credit'; creditNote: CreditNote };

export async function runInvoiceCommand(
  invoice: Target,
  command: InvoiceCommand,
  idempotencyKey: string,
): Promise<InvoiceCommandResult> {
  switch (command.kind) {
    case 'issue':
      return { kind: 'issue', invoice: await issueInvoice(invoice, idempotencyKey) };
    case 'void':
      return { kind: 'void', invoice: await voidInvoice(invoice, command.reason, idempotencyKey) };
    case 'credit':
      return { kind: 'credit', creditNote: await creditInvoice(invoice, command.request, idempotencyKey) };
  }
}

/**
 * Runs a command on an invoice, then reloads what it changes: the invoice, the invoice
 * lists, and the customer's balance, statement and timeline. A version conflict reloads
 * too, so the person sees what changed before trying again.
 */
export function useInvoiceCommand(invoice: Target) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['invoices', 'command', invoice.id],
    mutationFn: ({ command, idempotencyKey }: { command: InvoiceCommand; idempotencyKey: string }) =>
      runInvoiceCommand(invoice, command, idempotencyKey),
    onSuccess: (result) => {
      if (result.kind !== 'credit') queryClient.setQueryData(invoiceQueryKey(invoice.id), result.invoice);
    },
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['invoices'] }),
        queryClient.invalidateQueries({ queryKey: ['customers', 'detail', invoice.customer_id] }),
      ]),
  });
}
