import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type Statement = Schemas['Statement'];

/** `from` and `to` are both included; either may be empty for the API's default. */
export interface StatementRange {
  from: string;
  to: string;
}

export async function getStatement(customerId: number, range: StatementRange): Promise<Statement> {
  // Without `format=pdf` the answer is the JSON statement (the route also serves the PDF).
  const data = await unwrap(
    apiClient.GET('/api/v1/customers/{id}/statement', {
      params: {
        path: { id: customerId },
        query: { ...(range.from === '' ? {} : { from: range.from }), ...(range.to === '' ? {} : { to: range.to }) },
      },
    }),
  );
  return data as Statement;
}

/** Under the customer's key, so whatever reloads the customer reloads the statement. */
export const statementQueryOptions = (customerId: number, range: StatementRange) =>
  queryOptions({
    queryKey: ['customers', 'detail', customerId, 'statement', range.from, range.to],
    queryFn: () => getStatement(customerId, range),
  });

export function useStatement(customerId: number, range: StatementRange) {
  return useQuery(statementQueryOptions(customerId, range));
}
