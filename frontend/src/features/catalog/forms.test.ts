import { describe, expect, it } from 'vitest';
import { productFormProblems, productInput, promotionFormProblems, promotionInput, taxRateFormProblems, type ProductFormValues } from './forms';
import { emptyTerms, termsProblems } from './validation';

const plan: ProductFormValues = {
  code: 'fiber-500',
  name: 'Fiber 500',
  kind: 'plan',
  service: 'internet',
  description: '',
  tax_category: 'telecom',
  radius_group: 'fiber_500',
  currency: 'USD',
  valid_from: '',
  ...emptyTerms,
  monthly_price: '49.00',
  download_mbps: '500',
  upload_mbps: '100',
};

describe('product form', () => {
  it('accepts a well-formed plan and builds the request the API takes', () => {
    expect(productFormProblems(plan)).toEqual({});
    expect(productInput(plan)).toEqual({
      code: 'FIBER-500',
      kind: 'plan',
      service: 'internet',
      name: 'Fiber 500',
      description: null,
      tax_category: 'telecom',
      radius_group: 'fiber_500',
      currency: 'USD',
      monthly_price: '49.00',
      one_time_price: '0',
      download_mbps: 500,
      upload_mbps: 100,
      data_cap_gb: null,
      overage_per_gb: null,
      contract_months: 0,
      early_termination_fee: '0',
    });
  });

  it('names every field the database would refuse', () => {
    const problems = productFormProblems({
      ...plan,
      code: '-bad code',
      name: ' ',
      service: null,
      tax_category: 'Telecom',
      radius_group: 'has space',
      currency: 'usd',
      monthly_price: '-1',
      download_mbps: '0',
      upload_mbps: '',
      data_cap_gb: '100',
      contract_months: '0',
      early_termination_fee: '50',
      valid_from: '2001-01-01T00:00',
    });
    expect(Object.keys(problems).sort()).toEqual(
      [
        'code',
        'name',
        'service',
        'tax_category',
        'radius_group',
        'currency',
        'valid_from',
        'monthly_price',
        'download_mbps',
        'upload_mbps',
        'overage_per_gb',
        'early_termination_fee',
      ].sort(),
    );
  });

  it('sends a one-time product without anything recurring', () => {
    const router = { ...plan, kind: 'one_time' as const, service: null, monthly_price: '', one_time_price: '129' };
    expect(productFormProblems(router)).toEqual({});
    expect(productInput(router)).toMatchObject({
      kind: 'one_time',
      service: null,
      radius_group: null,
      monthly_price: '0',
      one_time_price: '129',
      download_mbps: null,
      contract_months: 0,
    });
  });

  it('wants an overage price with a cap and none without', () => {
    expect(termsProblems('plan', { ...plan, data_cap_gb: '500', overage_per_gb: '' })).toHaveProperty('overage_per_gb');
    expect(termsProblems('plan', { ...plan, data_cap_gb: '', overage_per_gb: '0.5' })).toHaveProperty('overage_per_gb');
    expect(termsProblems('plan', { ...plan, data_cap_gb: '500', overage_per_gb: '0.5' })).toEqual({});
    expect(termsProblems('plan', { ...plan, one_time_price: '1.23456' })).toHaveProperty('one_time_price');
  });
});

describe('promotion form', () => {
  const base = {
    code: 'spring',
    name: 'Spring',
    kind: 'percent' as const,
    value: '20',
    currency: '',
    cycles: '3',
    valid_from: '',
    valid_to: '',
    product_ids: ['1', '2'],
  };

  it('builds a percent promotion with an upper-cased code', () => {
    expect(promotionFormProblems(base)).toEqual({});
    expect(promotionInput(base)).toEqual({
      code: 'SPRING',
      name: 'Spring',
      kind: 'percent',
      value: '20',
      currency: null,
      cycles: 3,
      valid_to: null,
      product_ids: [1, 2],
    });
  });

  it('refuses more than 100 percent, an amount without currency and no products', () => {
    expect(promotionFormProblems({ ...base, value: '150' })).toHaveProperty('value', 'A percentage is at most 100');
    const amount = promotionFormProblems({ ...base, kind: 'amount', value: '5', currency: 'eur' });
    expect(amount).toHaveProperty('currency');
    expect(promotionFormProblems({ ...base, product_ids: [], cycles: '0' })).toEqual({
      product_ids: 'Pick at least one plan or add-on',
      cycles: 'Between 1 and 120, or empty for forever',
    });
    expect(
      promotionFormProblems({ ...base, valid_from: '2030-05-01T00:00', valid_to: '2030-04-01T00:00' }),
    ).toHaveProperty('valid_to');
  });
});

describe('tax rate form', () => {
  it('checks formats, the range of the rate and the order of the days', () => {
    const ok = { zone: 'us-tx', category: 'telecom', name: 'Telecom', rate: '8.25', valid_from: '2030-01-01', valid_to: '' };
    expect(taxRateFormProblems(ok)).toEqual({});
    expect(
      Object.keys(
        taxRateFormProblems({ zone: '-', category: 'VAT', name: '', rate: '101', valid_from: '2030-02-01', valid_to: '2030-01-01' }),
      ),
    ).toEqual(['zone', 'category', 'name', 'rate', 'valid_to']);
  });
});
