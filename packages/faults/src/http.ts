/** What an HTTP function call answered: its status and JSON body (`{ value }` or `{ error }`). */
export interface HttpAnswer {
  readonly status: number;
  readonly body: { value?: unknown; commitVersion?: number; error?: { code: string; message: string } };
}

/**
 * `POST <url>/api/<namespace>/<kind>/<name>` with JSON arguments; `headers` e.g. an
 * `Idempotency-Key` and `Orrery-Client-Id`. A dropped connection rejects.
 */
export async function call(
  url: string,
  namespace: string,
  kind: "queries" | "mutations" | "actions",
  name: string,
  args: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<HttpAnswer> {
  const response = await fetch(`${url}/api/${encodeURIComponent(namespace)}/${kind}/${name}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(args),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as HttpAnswer["body"] };
  } catch {
    return { status: response.status, body: { error: { code: "(not json)", message: text.slice(0, 200) } } };
  }
}

/** A query's value over HTTP; throws with the error when it fails. */
export async function query(url: string, namespace: string, name: string, args: unknown): Promise<unknown> {
  const answer = await call(url, namespace, "queries", name, args);
  if (answer.status !== 200) throw new Error(`${name}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.value;
}

/** A mutation's value over HTTP; throws with the error when it fails. */
export async function mutate(url: string, namespace: string, name: string, args: unknown): Promise<unknown> {
  const answer = await call(url, namespace, "mutations", name, args);
  if (answer.status !== 200) throw new Error(`${name}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.value;
}
