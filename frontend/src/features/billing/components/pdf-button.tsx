import { Button, type ButtonProps } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { errorMessage } from '@/lib/api/problem';
import { useOpenPdf, type PdfDocument } from '../api/get-pdf';

interface PdfButtonProps extends Pick<ButtonProps, 'size' | 'variant'> {
  document: PdfDocument;
  /** Used when the browser downloads the PDF instead of showing it. */
  filename: string;
  label?: string;
  /** The accessible name, when several PDF buttons share a page. */
  ariaLabel?: string;
}

/** Fetches the PDF with the session's token and opens it in a new tab. */
export function PdfButton({ document, filename, label = 'Open PDF', ariaLabel, size = 'xs', variant = 'default' }: PdfButtonProps) {
  const open = useOpenPdf();
  return (
    <Button
      size={size}
      variant={variant}
      loading={open.isPending}
      aria-label={ariaLabel}
      onClick={() => {
        // Opened on the click, before any await, so the browser lets it through.
        const tab = window.open('', '_blank');
        open.mutate(
          { document, filename, tab },
          {
            onError: (error) =>
              notifications.show({ color: 'red', title: 'Could not open the PDF', message: errorMessage(error) }),
          },
        );
      }}
    >
      {label}
    </Button>
  );
}
