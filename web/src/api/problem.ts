/** A failed API call, read from the RFC 9457 problem+json body the API answers every error with. */
export interface FieldProblem {
  /** JSON Pointer into the request body, such as `/password`. */
  pointer: string;
  detail: string;
  code?: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** 0 when the server could not be reached at all. */
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly fieldProblems: readonly FieldProblem[] = [],
    /** From `Retry-After` on a 429. */
    readonly retryAfterSeconds?: number,
  ) {
    super(detail ?? title);
  }

  /** Every message the API gave about one body field, by its name (`password` for `/password`). */
  fieldMessages(field: string): string[] {
    return this.fieldProblems
      .filter((problem) => problem.pointer === `/${field}`)
      .map((problem) => problem.detail);
  }
}

export const unreachable = (): ApiError => new ApiError(0, 'Network error', undefined);

function parseRetryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function isFieldProblem(value: unknown): value is FieldProblem {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.pointer === 'string' && typeof candidate.detail === 'string';
}

export async function problemFrom(response: Response): Promise<ApiError> {
  let document: Record<string, unknown> = {};
  try {
    const parsed: unknown = await response.json();
    if (typeof parsed === 'object' && parsed !== null) document = parsed as Record<string, unknown>;
  } catch {
    // A proxy's HTML error page or an empty body: the status alone has to do.
  }
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  return new ApiError(
    response.status,
    text(document.title) ?? response.statusText,
    text(document.detail),
    Array.isArray(document.errors) ? document.errors.filter(isFieldProblem) : [],
    parseRetryAfter(response.headers.get('retry-after')),
  );
}
