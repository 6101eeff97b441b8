import '@testing-library/jest-dom/vitest';
import { cleanNotifications } from '@mantine/notifications';
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';
import { tokenStore } from '@/lib/auth/token-store';

// jsdom has no matchMedia or ResizeObserver; Mantine uses both.
Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query: string): MediaQueryList => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  }),
});

class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
window.ResizeObserver ??= ResizeObserverStub;

// Nor scrollIntoView, which Mantine's comboboxes call on the highlighted option.
if (!('scrollIntoView' in Element.prototype)) {
  Object.defineProperty(Element.prototype, 'scrollIntoView', { writable: true, value: () => {} });
}

afterEach(() => {
  cleanup();
  cleanNotifications();
  tokenStore.clear();
  window.localStorage.clear();
  vi.unstubAllGlobals();
});
