import type { Schemas } from '@/lib/api/types';
import type { ApiClient } from './get-api-clients';

export type ApiClientWithSecret = Schemas['ApiClientWithSecret'];

/** A client's secret, just issued: shown once, then forgotten. */
export interface RevealedSecret {
  client: ApiClient;
  secret: string;
}

/**
 * Splits the secret off a create or rotate response. Mutations return only the client, so
 * the secret never lands in TanStack Query's caches; it goes to `onSecret` (component state)
 * and nowhere else.
 */
export function takeSecret(
  response: ApiClientWithSecret,
  onSecret: (revealed: RevealedSecret) => void,
): ApiClient {
  const { client_secret: secret, ...client } = response;
  onSecret({ client, secret });
  return client;
}
