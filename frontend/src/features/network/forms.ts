import type { CreateIpPoolInput } from './api/ip-pools';
import type { CreateNasInput, Nas, UpdateNasInput } from './api/nas';

/** FreeRADIUS's common NAS types; `other` works for any device that speaks RFC 2865/5176. */
export const NAS_KINDS = ['other', 'mikrotik', 'cisco', 'juniper', 'livingston', 'computone', 'max40xx', 'multitech', 'netserver', 'pathras', 'patton', 'portslave', 'tc', 'usrhiper'] as const;

export interface NasFormValues {
  address: string;
  name: string;
  kind: string;
  coa_port: string;
  description: string;
  secret: string;
}

export const emptyNas: NasFormValues = { address: '', name: '', kind: 'other', coa_port: '3799', description: '', secret: '' };

export function nasFormValues(nas: Nas): NasFormValues {
  // The secret is never sent back: the edit form starts blank and blank keeps it.
  return {
    address: nas.address,
    name: nas.name,
    kind: nas.kind,
    coa_port: String(nas.coa_port),
    description: nas.description ?? '',
    secret: '',
  };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

/** Good enough to catch typing mistakes; the API parses the address for real. */
export function isIpAddress(value: string): boolean {
  if (isIpv4(value)) return true;
  if (!value.includes(':') || !/^[0-9a-fA-F:.]+$/.test(value)) return false;
  const doubleColons = value.split('::').length - 1;
  if (doubleColons > 1) return false;
  const groups = value.split(':').filter((g) => g !== '');
  return groups.every((g) => g.length <= 4 || isIpv4(g)) && (doubleColons === 1 ? groups.length < 8 : groups.length === 8);
}

/** RADIUS shared secrets: 8–128 printable ASCII characters (the API's rule). */
export function secretProblem(secret: string): string | null {
  if (secret.length < 8) return 'At least 8 characters';
  if (secret.length > 128) return 'At most 128 characters';
  if (!/^[\x21-\x7e]+$/.test(secret)) return 'Printable characters only, no spaces';
  return null;
}

type Problems<T> = Partial<Record<keyof T, string>>;

export function nasFormProblems(values: NasFormValues, mode: 'create' | 'edit'): Problems<NasFormValues> {
  const problems: Problems<NasFormValues> = {};
  if (mode === 'create' && !isIpAddress(values.address.trim())) problems.address = 'Enter an IPv4 or IPv6 address';
  if (values.name.trim() === '') problems.name = 'Enter a name';
  const port = Number(values.coa_port);
  if (!/^\d+$/.test(values.coa_port.trim()) || port < 1 || port > 65535) problems.coa_port = 'A port from 1 to 65535';
  if (mode === 'create' || values.secret !== '') {
    const secret = secretProblem(values.secret);
    if (secret !== null) problems.secret = secret;
  }
  return problems;
}

export function createNasInput(values: NasFormValues): CreateNasInput {
  return {
    address: values.address.trim(),
    name: values.name.trim(),
    kind: values.kind,
    coa_port: Number(values.coa_port),
    description: values.description.trim() === '' ? null : values.description.trim(),
    secret: values.secret,
  };
}

/** Only what changed; a blank secret is left out so the current one stays. */
export function updateNasInput(nas: Nas, values: NasFormValues): UpdateNasInput {
  const changes: UpdateNasInput = {};
  const name = values.name.trim();
  if (name !== nas.name) changes.name = name;
  if (values.kind !== nas.kind) changes.kind = values.kind;
  if (Number(values.coa_port) !== nas.coa_port) changes.coa_port = Number(values.coa_port);
  const description = values.description.trim() === '' ? null : values.description.trim();
  if (description !== (nas.description ?? null)) changes.description = description;
  if (values.secret !== '') changes.secret = values.secret;
  return changes;
}

export interface PoolFormValues {
  name: string;
  network: string;
  first_address: string;
  last_address: string;
  description: string;
}

export const emptyPool: PoolFormValues = { name: '', network: '', first_address: '', last_address: '', description: '' };

export function poolFormProblems(values: PoolFormValues): Problems<PoolFormValues> {
  const problems: Problems<PoolFormValues> = {};
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(values.name.trim())) problems.name = 'Letters, digits, “.”, “_” and “-”, up to 64';
  const [address, prefix, extra] = values.network.trim().split('/');
  const bits = Number(prefix);
  if (extra !== undefined || address === undefined || !isIpv4(address) || !/^\d+$/.test(prefix ?? '') || bits < 8 || bits > 32) {
    problems.network = 'An IPv4 network such as 203.0.113.0/24';
  }
  for (const field of ['first_address', 'last_address'] as const) {
    const value = values[field].trim();
    if (value !== '' && !isIpv4(value)) problems[field] = 'An IPv4 address inside the network';
  }
  return problems;
}

export function createPoolInput(values: PoolFormValues): CreateIpPoolInput {
  const optional = (v: string) => (v.trim() === '' ? null : v.trim());
  return {
    name: values.name.trim(),
    network: values.network.trim(),
    first_address: optional(values.first_address),
    last_address: optional(values.last_address),
    description: optional(values.description),
  };
}
