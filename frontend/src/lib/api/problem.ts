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
  if (error instanceof ApiError) return error.problem.detail;
  return 'Something went wrong. Please try again.';
}
