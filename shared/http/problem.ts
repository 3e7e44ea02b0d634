/**
 * The one error contract of the API: RFC 9457 problem details. Use cases throw HttpProblem (or a
 * domain error that the mapper knows); everything else becomes an opaque 500.
 */
export interface FieldError {
  /** JSON Pointer (RFC 6901) into the request part named by `in`. */
  pointer: string;
  in: 'body' | 'query' | 'path' | 'header';
  detail: string;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(options: {
    status: number;
    title: string;
    type?: string;
    detail?: string;
    errors?: FieldError[];
    headers?: Record<string, string>;
  }) {
    super(options.detail ?? options.title);
    this.status = options.status;
    this.title = options.title;
    this.type = options.type ?? 'about:blank';
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }

  toDocument(instance?: string): ProblemDocument {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      ...(instance === undefined ? {} : { instance }),
      ...(this.errors === undefined ? {} : { errors: this.errors }),
    };
  }
}

const problemType = (slug: string): string => `/problems/${slug}`;

export const problems = {
  validation: (errors: FieldError[], detail = 'The request has invalid or unknown fields.') =>
    new HttpProblem({
      status: 400,
      title: 'Invalid request',
      type: problemType('validation'),
      detail,
      errors,
    }),
  malformedJson: () =>
    new HttpProblem({
      status: 400,
      title: 'Malformed JSON',
      type: problemType('malformed-json'),
      detail: 'The request body is not valid JSON.',
    }),
  unauthorized: (detail = 'A valid access token is required.') =>
    new HttpProblem({
      status: 401,
      title: 'Unauthorized',
      detail,
      headers: { 'www-authenticate': 'Bearer' },
    }),
  forbidden: (detail?: string) =>
    new HttpProblem({ status: 403, title: 'Forbidden', ...(detail ? { detail } : {}) }),
  notFound: (detail = 'There is nothing here.') =>
    new HttpProblem({ status: 404, title: 'Not Found', detail }),
  conflict: (detail: string) => new HttpProblem({ status: 409, title: 'Conflict', detail }),
  payloadTooLarge: (limitBytes: number) =>
    new HttpProblem({
      status: 413,
      title: 'Payload Too Large',
      detail: `The request body must be at most ${limitBytes} bytes.`,
    }),
  unsupportedMediaType: () =>
    new HttpProblem({
      status: 415,
      title: 'Unsupported Media Type',
      detail: 'Send the request body as application/json.',
    }),
  tooManyRequests: (retryAfterSeconds: number) =>
    new HttpProblem({
      status: 429,
      title: 'Too Many Requests',
      detail: `Try again in ${retryAfterSeconds} seconds.`,
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
  internal: () =>
    new HttpProblem({
      status: 500,
      title: 'Internal Server Error',
      detail: 'Something went wrong on our side. Nothing was changed by the failed part; please try again.',
    }),
} as const;
