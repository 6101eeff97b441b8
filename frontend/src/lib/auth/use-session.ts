import { useSyncExternalStore } from 'react';
import { tokenStore, type SessionSnapshot } from './token-store';

/** Whether there is a session, re-rendering when it starts or ends. */
export function useSession(): SessionSnapshot {
  return useSyncExternalStore(tokenStore.subscribe, tokenStore.getSnapshot);
}
