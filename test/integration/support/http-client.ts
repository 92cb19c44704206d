/**
 * A signed-in client of a running app over real HTTP (fetch), for suites that start the app as
 * a child process (crash safety, soak).
 */
export interface HttpAnswer<T = unknown> {
  status: number;
  data?: T;
  code?: string;
  message?: string;
}

export class HttpClient {
  cookie = '';

  constructor(
    readonly url: string,
    readonly queries: ReadonlySet<string> = new Set(),
  ) {}

  /** Signs in; throws when refused. */
  async signIn(email: string, password: string): Promise<this> {
    const res = await fetch(`${this.url}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (!res.ok) throw new Error(`sign-in as ${email}: ${res.status} ${await res.text()}`);
    const session = res.headers.getSetCookie().find((c) => c.startsWith('accord_session='));
    this.cookie = session!.split(';')[0]!;
    return this;
  }

  /** A tRPC call: GET for paths in `queries`, POST JSON otherwise. Network errors throw. */
  async trpc<T = unknown>(path: string, input?: unknown): Promise<HttpAnswer<T>> {
    const query = this.queries.has(path);
    const res = await fetch(
      `${this.url}/trpc/${path}${query && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : ''}`,
      query
        ? { headers: { cookie: this.cookie } }
        : {
            method: 'POST',
            headers: { cookie: this.cookie, 'content-type': 'application/json' },
            body: JSON.stringify(input ?? null),
          },
    );
    const body = (await res.json()) as {
      result?: { data?: T };
      error?: { message?: string; data?: { code?: string } };
    };
    return {
      status: res.status,
      data: body.result?.data,
      code: body.error?.data?.code,
      message: body.error?.message,
    };
  }

  /** Like `trpc`, but throws unless it answered 200. */
  async ok<T = unknown>(path: string, input?: unknown): Promise<T> {
    const answer = await this.trpc<T>(path, input);
    if (answer.status !== 200)
      throw new Error(`${path}: ${answer.status} ${answer.code} ${answer.message}`);
    return answer.data as T;
  }
}
