import type { Problem } from './types';

/**
 * An API call that did not succeed. Every 4xx/5xx from the API carries an RFC 9457
 * problem document; `detail` is written for the person using the app.
 * A network failure has status 0 and a problem made up here.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }

  get code(): string {
    return this.problem.code;
  }
}

export function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.status === 'number' && typeof v.detail === 'string' && typeof v.code === 'string';
}

/** Builds an ApiError from whatever the server sent, even when it is not a problem document. */
export function toApiError(body: unknown, response: Response): ApiError {
  if (isProblem(body)) return new ApiError(body);
  return new ApiError({
    type: 'about:blank',
    title: response.statusText || 'Request failed',
    status: response.status,
    detail: `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`,
    code: 'unexpected_response',
  });
}

export function networkError(cause: unknown): ApiError {
  const error = new ApiError({
    type: 'about:blank',
    title: 'Network error',
    status: 0,
    detail: 'Cannot reach the server. Check your connection and try again.',
    code: 'network_error',
  });
  error.cause = cause;
  return error;
}

/** The two shapes an openapi-fetch call resolves to. */
type FetchResult =
  | { data: unknown; error?: never; response: Response }
  | { data?: never; error: unknown; response: Response };

/** The data of the success branch of an openapi-fetch result. */
type SuccessData<R> = R extends { data: infer D; error?: never } ? D : never;

/** Awaits an openapi-fetch call and returns its data, or throws an ApiError. */
export async function unwrap<R extends FetchResult>(call: Promise<R>): Promise<SuccessData<R>> {
  let result: R;
  try {
    result = await call;
  } catch (cause) {
    throw networkError(cause);
  }
  if (result.response.ok) return result.data as SuccessData<R>;
  throw toApiError(result.error, result.response);
}

export function isApiError(error: unknown, status?: number): error is ApiError {
  return error instanceof ApiError && (status === undefined || error.status === status);
}

/** The message to show a person for any error a query or mutation produced. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return sentence(error.problem.detail);
  return 'Something went wrong. Please try again.';
}

/** The API writes its messages in lower case (`must not be empty`); the UI shows sentences. */
function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The field errors of a validation failure (422), keyed by the top-level field they belong
 * to (`scopes[2]` counts as `scopes`); several messages for one field are joined. Empty for
 * any other error.
 */
export function fieldErrors(error: unknown): Record<string, string> {
  const byField: Record<string, string> = {};
  if (!(error instanceof ApiError)) return byField;
  for (const fieldError of error.problem.errors ?? []) {
    const key = fieldError.field.replace(/[[.].*$/, '');
    const message = sentence(fieldError.message);
    byField[key] = byField[key] === undefined ? message : `${byField[key]}; ${message}`;
  }
  return byField;
}

/** Whether every field error of `error` belongs to one of `fields`, so the form can show them all. */
export function explainedByFields(error: unknown, fields: readonly string[]): boolean {
  const keys = Object.keys(fieldErrors(error));
  return keys.length > 0 && keys.every((key) => fields.includes(key));
}

/**
 * The field errors of a validation failure keyed by their full path (`billing.billing_day`,
 * `service_address.country`), for forms with nested fields. Empty for any other error.
 */
export function fieldErrorsByPath(error: unknown): Record<string, string> {
  const byPath: Record<string, string> = {};
  if (!(error instanceof ApiError)) return byPath;
  for (const fieldError of error.problem.errors ?? []) {
    const message = sentence(fieldError.message);
    const key = fieldError.field;
    byPath[key] = byPath[key] === undefined ? message : `${byPath[key]}; ${message}`;
  }
  return byPath;
}
