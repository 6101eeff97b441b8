import { vi } from 'vitest';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

type Handler = (request: RecordedRequest) => Response | Promise<Response>;

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

export interface FieldErrorBody {
  field: string;
  code: string;
  message: string;
}

export function problem(status: number, code: string, detail: string, errors?: FieldErrorBody[]): Response {
  return new Response(
    JSON.stringify({ type: 'about:blank', title: code, status, detail, code, ...(errors ? { errors } : {}) }),
    { status, headers: { 'Content-Type': 'application/problem+json' } },
  );
}

/**
 * Replaces globalThis.fetch with a router of `"METHOD /path"` handlers and records every
 * request. Unknown routes fail the test loudly.
 */
export function mockApi(handlers: Record<string, Handler>) {
  const requests: RecordedRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const text = await request.text();
    const recorded: RecordedRequest = {
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    };
    requests.push(recorded);
    const handler = handlers[`${recorded.method} ${recorded.path}`];
    if (!handler) throw new Error(`Unexpected request ${recorded.method} ${recorded.path}`);
    return handler(recorded);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { requests, fetchMock };
}

export function tokens(suffix: string, expiresIn = 900) {
  return {
    access_token: `access-${suffix}`,
    token_type: 'Bearer' as const,
    expires_in: expiresIn,
    refresh_token: `refresh-${suffix}`,
    refresh_expires_in: 86_400,
  };
}
