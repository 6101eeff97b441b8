import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage, explainedByFields, fieldErrors } from './problem';

const invalid = new ApiError({
  type: 'urn:ispbill:problem:validation_failed',
  title: 'Unprocessable Entity',
  status: 422,
  detail: '3 fields are invalid',
  code: 'validation_failed',
  errors: [
    { field: 'email', code: 'invalid', message: 'not an email address' },
    { field: 'scopes[0]', code: 'invalid', message: 'x is not a scope' },
    { field: 'scopes[2]', code: 'invalid', message: 'y is not a scope' },
  ],
});

describe('problem helpers', () => {
  it('groups field errors by top-level field, as sentences', () => {
    expect(fieldErrors(invalid)).toEqual({
      email: 'Not an email address',
      scopes: 'X is not a scope; Y is not a scope',
    });
    expect(fieldErrors(new Error('x'))).toEqual({});
  });

  it('knows whether a form can show every field error itself', () => {
    expect(explainedByFields(invalid, ['email', 'scopes'])).toBe(true);
    expect(explainedByFields(invalid, ['email'])).toBe(false);
    expect(explainedByFields(new Error('x'), ['email'])).toBe(false);
  });

  it('starts the detail with a capital letter', () => {
    expect(errorMessage(invalid)).toBe('3 fields are invalid');
    expect(
      errorMessage(new ApiError({ type: 't', title: 't', status: 409, detail: 'a user with this email already exists', code: 'email_taken' })),
    ).toBe('A user with this email already exists');
  });
});
