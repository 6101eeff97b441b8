/** Words and colours for the billing statuses and kinds the API sends as codes. */

export const INVOICE_STATUSES = ['draft', 'issued', 'partially_paid', 'paid', 'void'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

const INVOICE_STATUS_LABEL: Record<string, string> = {
  draft: 'Draft',
  issued: 'Issued',
  partially_paid: 'Partially paid',
  paid: 'Paid',
  void: 'Void',
};

const INVOICE_STATUS_COLOR: Record<string, string> = {
  draft: 'gray',
  issued: 'blue',
  partially_paid: 'cyan',
  paid: 'teal',
  void: 'dark',
};

export function invoiceStatusLabel(status: string): string {
  return INVOICE_STATUS_LABEL[status] ?? status.replaceAll('_', ' ');
}

export function invoiceStatusColor(status: string): string {
  return INVOICE_STATUS_COLOR[status] ?? 'gray';
}

export function isInvoiceStatus(value: string): value is InvoiceStatus {
  return (INVOICE_STATUSES as readonly string[]).includes(value);
}

/** An invoice's name as people say it: its number, or "Draft" before it has one. */
export function invoiceName(invoice: { number?: string | null; id: number }): string {
  return invoice.number ?? `Draft #${invoice.id}`;
}

const LINE_KIND_LABEL: Record<string, string> = {
  recurring: 'Monthly charge',
  proration: 'Part of a month',
  usage: 'Usage',
  one_time: 'One-time charge',
  discount: 'Discount',
  fee: 'Fee',
};

export function lineKindLabel(kind: string): string {
  return LINE_KIND_LABEL[kind] ?? kind.replaceAll('_', ' ');
}

export const RUN_MODES = ['dry_run', 'draft', 'issue'] as const;
export type RunMode = (typeof RUN_MODES)[number];

/** Each mode, said so finance knows what pressing the button will do. */
export const RUN_MODE_INFO: Record<RunMode, { label: string; description: string; button: string }> = {
  dry_run: {
    label: 'Dry run (preview)',
    description:
      'Works out every invoice the run would make and shows the totals and the first 20 invoices. Nothing is written: no invoice, no number, no change to any account. Any day, also in the future.',
    button: 'Preview the run',
  },
  draft: {
    label: 'Drafts for review',
    description:
      'Makes the invoices as drafts, without numbers and without touching the ledger. Check them, then issue them all at once with "Issue drafts". Today or earlier.',
    button: 'Make drafts',
  },
  issue: {
    label: 'Bill and issue',
    description:
      'Makes the invoices and issues them at once: each gets its number and due date and is owed from now on. Corrections after that are credit notes. Today or earlier.',
    button: 'Bill and issue',
  },
};

export function isRunMode(value: string): value is RunMode {
  return (RUN_MODES as readonly string[]).includes(value);
}

export function runModeLabel(mode: string): string {
  return isRunMode(mode) ? RUN_MODE_INFO[mode].label : mode.replaceAll('_', ' ');
}

const RUN_STATUS_COLOR: Record<string, string> = {
  queued: 'gray',
  running: 'blue',
  issuing: 'indigo',
  completed: 'teal',
  failed: 'red',
};

export function runStatusColor(status: string): string {
  return RUN_STATUS_COLOR[status] ?? 'gray';
}

/** The one-time charges staff add by hand (api `CHARGE_KINDS`). */
export const CHARGE_KIND_OPTIONS = [
  { value: 'installation', label: 'Installation' },
  { value: 'deposit', label: 'Deposit' },
  { value: 'late_fee', label: 'Late fee' },
  { value: 'reconnection_fee', label: 'Reconnection fee' },
  { value: 'other', label: 'Other' },
] as const;

const CHARGE_KIND_LABEL: Record<string, string> = {
  one_time: 'One-time',
  deposit: 'Deposit',
  late_fee: 'Late fee',
  reconnection_fee: 'Reconnection fee',
  installation: 'Installation',
  early_termination_fee: 'Early termination fee',
  proration: 'Proration',
  discount: 'Discount',
  other: 'Other',
};

export function chargeKindLabel(kind: string): string {
  return CHARGE_KIND_LABEL[kind] ?? kind.replaceAll('_', ' ');
}

const LEDGER_KIND_LABEL: Record<string, string> = {
  invoice: 'Invoice',
  credit_note: 'Credit note',
  payment: 'Payment',
  refund: 'Refund',
  fee: 'Fee',
  write_off: 'Write-off',
  adjustment: 'Adjustment',
};

export function ledgerKindLabel(kind: string): string {
  return LEDGER_KIND_LABEL[kind] ?? kind.replaceAll('_', ' ');
}
