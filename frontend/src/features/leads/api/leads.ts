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

export type Lead = Schemas['Lead'];
export type LeadPage = Schemas['LeadPage'];
export type LeadStatus = Schemas['LeadStatus'];
export type LeadSource = Schemas['LeadSource'];
export type CreateLeadInput = Schemas['CreateLeadRequest'];
export type UpdateLeadInput = Schemas['UpdateLeadRequest'];
export type ConvertLeadInput = Schemas['ConvertLeadRequest'];
export type ConversionResult = Schemas['ConversionResult'];
export type Interaction = Schemas['Interaction'];

/** The list filters, as they appear in the page's URL. */
export interface LeadFilters {
  status: LeadStatus | '';
  source: LeadSource | '';
  /** A user id, or '' for anyone. */
  owner: string;
  q: string;
}

const PAGE_SIZE = 50;

export function getLeads(filters: LeadFilters, cursor: string | null): Promise<LeadPage> {
  const owner = Number(filters.owner);
  return unwrap(
    apiClient.GET('/api/v1/leads', {
      params: {
        query: {
          limit: PAGE_SIZE,
          ...(cursor === null ? {} : { cursor }),
          ...(filters.status === '' ? {} : { status: filters.status }),
          ...(filters.source === '' ? {} : { source: filters.source }),
          ...(filters.owner !== '' && Number.isInteger(owner) ? { owner } : {}),
          ...(filters.q.trim() === '' ? {} : { q: filters.q.trim() }),
        },
      },
    }),
  );
}

export const leadsQueryOptions = (filters: LeadFilters) =>
  infiniteQueryOptions({
    queryKey: ['leads', 'list', filters],
    queryFn: ({ pageParam }) => getLeads(filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });

export function useLeads(filters: LeadFilters) {
  return useInfiniteQuery(leadsQueryOptions(filters));
}

export function getLead(id: number): Promise<Lead> {
  return unwrap(apiClient.GET('/api/v1/leads/{id}', { params: { path: { id } } }));
}

export const leadQueryOptions = (id: number) =>
  queryOptions({ queryKey: ['leads', 'detail', id], queryFn: () => getLead(id) });

/** One lead with its possible duplicates. */
export function useLead(id: number) {
  return useQuery(leadQueryOptions(id));
}

export interface CreateLeadVariables {
  input: CreateLeadInput;
  idempotencyKey: string;
}

export function createLead({ input, idempotencyKey }: CreateLeadVariables): Promise<Lead> {
  return unwrap(
    apiClient.POST('/api/v1/leads', { params: { header: { 'Idempotency-Key': idempotencyKey } }, body: input }),
  );
}

export function useCreateLead() {
  const queryClient = useQueryClient();
  return useMutation(
    mutationOptions({
      mutationKey: ['leads', 'create'],
      mutationFn: createLead,
      onSuccess: () => queryClient.invalidateQueries({ queryKey: ['leads', 'list'] }),
    }),
  );
}

export interface UpdateLeadVariables {
  id: number;
  /** The version that was read; a stale one is refused with 409 `version_conflict`. */
  version: number;
  changes: UpdateLeadInput;
}

export function updateLead({ id, version, changes }: UpdateLeadVariables): Promise<Lead> {
  return unwrap(
    apiClient.PATCH('/api/v1/leads/{id}', {
      params: { path: { id }, header: { 'If-Match': `"${version}"` } },
      body: changes,
    }),
  );
}

function useInvalidateLeads() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: ['leads'] });
}

export function useUpdateLead() {
  const invalidate = useInvalidateLeads();
  return useMutation(mutationOptions({ mutationKey: ['leads', 'update'], mutationFn: updateLead, onSuccess: invalidate }));
}

export interface MergeLeadVariables {
  id: number;
  duplicateId: number;
}

export function mergeLead({ id, duplicateId }: MergeLeadVariables): Promise<Lead> {
  return unwrap(
    apiClient.POST('/api/v1/leads/{id}/merge', { params: { path: { id } }, body: { duplicate_id: duplicateId } }),
  );
}

export function useMergeLead() {
  const invalidate = useInvalidateLeads();
  return useMutation(mutationOptions({ mutationKey: ['leads', 'merge'], mutationFn: mergeLead, onSuccess: invalidate }));
}

export interface ConvertLeadVariables {
  id: number;
  input: ConvertLeadInput;
  idempotencyKey: string;
}

export function convertLead({ id, input, idempotencyKey }: ConvertLeadVariables): Promise<ConversionResult> {
  return unwrap(
    apiClient.POST('/api/v1/leads/{id}/convert', {
      params: { path: { id }, header: { 'Idempotency-Key': idempotencyKey } },
      body: input,
    }),
  );
}

export function useConvertLead() {
  const queryClient = useQueryClient();
  return useMutation(
    mutationOptions({
      mutationKey: ['leads', 'convert'],
      mutationFn: convertLead,
      // Not awaited: the refetched lead is read-only and its page drops the convert dialog,
      // which must still get to open the new customer.
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: ['leads'] });
        void queryClient.invalidateQueries({ queryKey: ['customers'] });
      },
    }),
  );
}

export function getLeadInteractions(id: number, cursor: string | null) {
  return unwrap(
    apiClient.GET('/api/v1/leads/{id}/interactions', {
      params: { path: { id }, query: { limit: 50, ...(cursor === null ? {} : { cursor }) } },
    }),
  );
}

export const leadInteractionsQueryOptions = (id: number) =>
  infiniteQueryOptions({
    queryKey: ['leads', 'detail', id, 'interactions'],
    queryFn: ({ pageParam }) => getLeadInteractions(id, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });

export function useLeadInteractions(id: number) {
  return useInfiniteQuery(leadInteractionsQueryOptions(id));
}

export interface AddLeadNoteVariables {
  id: number;
  input: Schemas['CreateInteractionRequest'];
  idempotencyKey: string;
}

export function addLeadNote({ id, input, idempotencyKey }: AddLeadNoteVariables): Promise<Interaction> {
  return unwrap(
    apiClient.POST('/api/v1/leads/{id}/interactions', {
      params: { path: { id }, header: { 'Idempotency-Key': idempotencyKey } },
      body: input,
    }),
  );
}

export function useAddLeadNote() {
  const queryClient = useQueryClient();
  return useMutation(
    mutationOptions({
      mutationKey: ['leads', 'notes', 'add'],
      mutationFn: addLeadNote,
      onSuccess: (_, { id }) => queryClient.invalidateQueries({ queryKey: ['leads', 'detail', id, 'interactions'] }),
    }),
  );
}

export function getCustomerClassOptions() {
  return unwrap(apiClient.GET('/api/v1/customer-classes')).then((list) =>
    list.items.map((c) => ({ value: c.code, label: c.name })),
  );
}

/** Customer classes as select options, for the conversion dialog. */
export function useCustomerClassOptions() {
  return useQuery({ queryKey: ['customer-classes', 'options'], queryFn: getCustomerClassOptions, staleTime: 5 * 60_000 });
}
