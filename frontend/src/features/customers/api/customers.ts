import {
  infiniteQueryOptions,
  mutationOptions,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { apiClient } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { Schemas } from '@/lib/api/types';

export type Customer = Schemas['Customer'];
export type CustomerSummary = Schemas['CustomerSummary'];
export type CustomerPage = Schemas['CustomerPage'];
export type CreateCustomerInput = Schemas['CreateCustomerRequest'];
export type UpdateCustomerInput = Schemas['UpdateCustomerRequest'];
export type CustomerClass = Schemas['CustomerClass'];
export type CustomerStatus = Schemas['CustomerStatus'];
export type CustomerKind = Schemas['CustomerKind'];

/** The list filters, as they appear in the page's URL. */
export interface CustomerFilters {
  status: CustomerStatus | '';
  kind: CustomerKind | '';
  class: string;
}

const PAGE_SIZE = 50;

export function getCustomers(filters: CustomerFilters, cursor: string | null): Promise<CustomerPage> {
  return unwrap(
    apiClient.GET('/api/v1/customers', {
      params: {
        query: {
          limit: PAGE_SIZE,
          ...(cursor === null ? {} : { cursor }),
          ...(filters.status === '' ? {} : { status: filters.status }),
          ...(filters.kind === '' ? {} : { kind: filters.kind }),
          ...(filters.class === '' ? {} : { class: filters.class }),
        },
      },
    }),
  );
}

export const customersQueryOptions = (filters: CustomerFilters) =>
  infiniteQueryOptions({
    queryKey: ['customers', 'list', filters],
    queryFn: ({ pageParam }) => getCustomers(filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });

export function useCustomers(filters: CustomerFilters) {
  return useInfiniteQuery(customersQueryOptions(filters));
}

export function getCustomer(id: number): Promise<Customer> {
  return unwrap(apiClient.GET('/api/v1/customers/{id}', { params: { path: { id } } }));
}

export const customerQueryOptions = (id: number) =>
  queryOptions({ queryKey: ['customers', 'detail', id], queryFn: () => getCustomer(id) });

/** One customer with its billing preferences, contacts, addresses and source leads. */
export function useCustomer(id: number) {
  return useQuery(customerQueryOptions(id));
}

export interface CreateCustomerVariables {
  input: CreateCustomerInput;
  /** One key per opened form: a double submit cannot open two accounts. */
  idempotencyKey: string;
}

export function createCustomer({ input, idempotencyKey }: CreateCustomerVariables): Promise<Customer> {
  return unwrap(
    apiClient.POST('/api/v1/customers', {
      params: { header: { 'Idempotency-Key': idempotencyKey } },
      body: input,
    }),
  );
}

export function useCreateCustomer() {
  const queryClient = useQueryClient();
  return useMutation(
    mutationOptions({
      mutationKey: ['customers', 'create'],
      mutationFn: createCustomer,
      onSuccess: () => queryClient.invalidateQueries({ queryKey: ['customers', 'list'] }),
    }),
  );
}

export interface UpdateCustomerVariables {
  id: number;
  /** The version that was read; a stale one is refused with 409 `version_conflict`. */
  version: number;
  changes: UpdateCustomerInput;
}

export function updateCustomer({ id, version, changes }: UpdateCustomerVariables): Promise<Customer> {
  return unwrap(
    apiClient.PATCH('/api/v1/customers/{id}', {
      params: { path: { id }, header: { 'If-Match': `"${version}"` } },
      body: changes,
    }),
  );
}

export function useUpdateCustomer() {
  const queryClient = useQueryClient();
  return useMutation(
    mutationOptions({
      mutationKey: ['customers', 'update'],
      mutationFn: updateCustomer,
      onSuccess: (customer) => {
        queryClient.setQueryData(customerQueryOptions(customer.id).queryKey, customer);
        return queryClient.invalidateQueries({ queryKey: ['customers'] });
      },
    }),
  );
}

export function getCustomerClasses(): Promise<CustomerClass[]> {
  return unwrap(apiClient.GET('/api/v1/customer-classes')).then((list) => list.items);
}

export const customerClassesQueryOptions = () =>
  queryOptions({ queryKey: ['customer-classes', 'list'], queryFn: getCustomerClasses, staleTime: 5 * 60_000 });

/** The customer classes, for class pickers. */
export function useCustomerClasses() {
  return useQuery(customerClassesQueryOptions());
}
