import { useMutation } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';

/** The documents the API renders as PDF. They need the bearer token, so no bare link works. */
export type PdfDocument =
  | { kind: 'invoice'; id: number }
  | { kind: 'credit-note'; id: number }
  | { kind: 'statement'; customerId: number; from: string; to: string };

/** Fetches a PDF with the session's token (refreshed if need be), as a Blob. */
export function getPdf(document: PdfDocument): Promise<Blob> {
  switch (document.kind) {
    case 'invoice':
      return unwrap(apiClient.GET('/api/v1/invoices/{id}/pdf', { params: { path: { id: document.id } }, parseAs: 'blob' }));
    case 'credit-note':
      return unwrap(
        apiClient.GET('/api/v1/credit-notes/{id}/pdf', { params: { path: { id: document.id } }, parseAs: 'blob' }),
      );
    case 'statement':
      return unwrap(
        apiClient.GET('/api/v1/customers/{id}/statement', {
          params: {
            path: { id: document.customerId },
            query: {
              format: 'pdf',
              ...(document.from === '' ? {} : { from: document.from }),
              ...(document.to === '' ? {} : { to: document.to }),
            },
          },
          parseAs: 'blob',
        }),
      );
  }
}

/** Object URLs hold the whole PDF in memory; the opened tab has loaded it long before this. */
const REVOKE_AFTER_MS = 60_000;

/**
 * Shows a PDF in `tab`, a tab the caller opened on the click itself (`window.open('')`:
 * a tab opened after an `await` is blocked as a pop-up by most browsers). Where no tab
 * could be opened, the PDF is downloaded instead. A failed fetch closes the empty tab.
 */
export async function openPdf(document: PdfDocument, filename: string, tab: Window | null): Promise<Blob> {
  try {
    const blob = await getPdf(document);
    const url = URL.createObjectURL(blob);
    if (tab !== null && !tab.closed) {
      tab.location.href = url;
    } else {
      const link = window.document.createElement('a');
      link.href = url;
      link.download = filename;
      link.click();
    }
    window.setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
    return blob;
  } catch (error) {
    tab?.close();
    throw error;
  }
}

export function useOpenPdf() {
  return useMutation({
    mutationKey: ['pdf', 'open'],
    mutationFn: ({ document, filename, tab }: { document: PdfDocument; filename: string; tab: Window | null }) =>
      openPdf(document, filename, tab),
  });
}
