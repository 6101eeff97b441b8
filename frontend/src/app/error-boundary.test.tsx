import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { AppErrorBoundary } from './error-boundary';

function Broken(): never {
  throw new Error('boom');
}

describe('AppErrorBoundary', () => {
  it('shows a friendly message and a Reload button instead of a blank page', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const onReload = vi.fn();
    render(
      <MantineProvider>
        <AppErrorBoundary onReload={onReload}>
          <Broken />
        </AppErrorBoundary>
      </MantineProvider>,
    );

    expect(screen.getByRole('heading', { name: 'Something went wrong' })).toBeInTheDocument();
    expect(screen.queryByText('boom')).not.toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Reload' }));
    expect(onReload).toHaveBeenCalledTimes(1);
  });

  it('renders its children when nothing throws', () => {
    render(
      <MantineProvider>
        <AppErrorBoundary>
          <p>all good</p>
        </AppErrorBoundary>
      </MantineProvider>,
    );
    expect(screen.getByText('all good')).toBeInTheDocument();
  });
});
