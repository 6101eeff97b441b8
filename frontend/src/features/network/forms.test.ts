import { describe, expect, it } from 'vitest';
import type { Nas } from './api/nas';
import {
  createNasInput,
  createPoolInput,
  emptyNas,
  emptyPool,
  isIpAddress,
  nasFormProblems,
  nasFormValues,
  poolFormProblems,
  updateNasInput,
} from './forms';
import { canEditNetwork } from './permissions';

const nas: Nas = {
  id: 3,
  address: '10.0.0.1',
  name: 'BRAS north',
  kind: 'mikrotik',
  coa_port: 3799,
  description: null,
  secret_set: true,
  created_at: '2026-11-01T00:00:00Z',
  updated_at: '2026-11-01T00:00:00Z',
};

describe('NAS form', () => {
  it('needs an address, a name and a secret to add a NAS', () => {
    expect(nasFormProblems(emptyNas, 'create')).toEqual({
      address: 'Enter an IPv4 or IPv6 address',
      name: 'Enter a name',
      secret: 'At least 8 characters',
    });
  });

  it('builds the request with the defaults', () => {
    const values = { ...emptyNas, address: ' 192.0.2.7 ', name: 'Edge 1', secret: 's3cret-long' };
    expect(nasFormProblems(values, 'create')).toEqual({});
    expect(createNasInput(values)).toEqual({
      address: '192.0.2.7',
      name: 'Edge 1',
      kind: 'other',
      coa_port: 3799,
      description: null,
      secret: 's3cret-long',
    });
  });

  it('refuses secrets with spaces or outside 8–128 characters, and ports outside 1–65535', () => {
    const values = { ...emptyNas, address: '192.0.2.7', name: 'x', coa_port: '70000' };
    expect(nasFormProblems({ ...values, secret: 'has space in it' }, 'create')).toEqual({
      coa_port: 'A port from 1 to 65535',
      secret: 'Printable characters only, no spaces',
    });
    expect(nasFormProblems({ ...values, coa_port: '3799', secret: 'x'.repeat(129) }, 'create')).toEqual({
      secret: 'At most 128 characters',
    });
  });

  it('keeps the current secret when the edit form leaves it blank', () => {
    const values = nasFormValues(nas);
    expect(values.secret).toBe('');
    expect(nasFormProblems(values, 'edit')).toEqual({});
    expect(updateNasInput(nas, values)).toEqual({});
    expect(updateNasInput(nas, { ...values, name: 'BRAS north 2', secret: 'new-secret-1' })).toEqual({
      name: 'BRAS north 2',
      secret: 'new-secret-1',
    });
    expect(updateNasInput(nas, { ...values, description: 'rack 4' })).toEqual({ description: 'rack 4' });
  });

  it('tells IPv4 and IPv6 addresses from typing mistakes', () => {
    for (const good of ['10.0.0.1', '255.255.255.255', '2001:db8::1', '::1', 'fe80::1:2:3:4']) expect(isIpAddress(good)).toBe(true);
    for (const bad of ['10.0.0', '256.1.1.1', '10.0.0.01', 'router', '2001:db8::1::2', '']) expect(isIpAddress(bad)).toBe(false);
  });
});

describe('address pool form', () => {
  it('needs a name and an IPv4 network', () => {
    expect(poolFormProblems(emptyPool)).toEqual({
      name: 'Letters, digits, “.”, “_” and “-”, up to 64',
      network: 'An IPv4 network such as 203.0.113.0/24',
    });
    expect(Object.keys(poolFormProblems({ ...emptyPool, name: 'static pool', network: '203.0.113.0' }))).toEqual([
      'name',
      'network',
    ]);
    expect(poolFormProblems({ ...emptyPool, name: 'p', network: '203.0.113.0/33' })).toHaveProperty('network');
  });

  it('takes an optional range and sends null for what is left blank', () => {
    const values = { ...emptyPool, name: 'static-1', network: '203.0.113.0/24', first_address: '203.0.113.10' };
    expect(poolFormProblems(values)).toEqual({});
    expect(createPoolInput(values)).toEqual({
      name: 'static-1',
      network: '203.0.113.0/24',
      first_address: '203.0.113.10',
      last_address: null,
      description: null,
    });
    expect(poolFormProblems({ ...values, last_address: 'x' })).toEqual({ last_address: 'An IPv4 address inside the network' });
  });
});

describe('who changes the network set-up', () => {
  it('is an admin only', () => {
    expect(canEditNetwork('admin')).toBe(true);
    expect(canEditNetwork('manager')).toBe(false);
  });
});
