import { env } from "cloudflare:workers";

/** The engine of this run's `.global()` tables: the pool config picks the wrangler environment. */
export function engine(): "postgres" | "mysql" {
  const backend = env.ORRERY_GLOBAL_BACKEND;
  if (backend === "d1") throw new Error("the Hyperdrive tests run in the postgres or mysql environment");
  return backend;
}

/** The engine's placeholder for parameter `n`. */
export const placeholder = (n: number) => (engine() === "postgres" ? `$${n}` : "?");

/** The engine's quoted identifier. */
export const quote = (name: string) => (engine() === "postgres" ? `"${name}"` : `\`${name}\``);

async function agent(path: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${env.TEST_AGENT_URL}${path}`, {
    method: "POST",
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`database agent ${path}: ${response.status} ${await response.text()}`);
  return response;
}

/** Runs SQL on the test's own, direct connection to the database (not through the Worker). */
export async function direct<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const { rows } = (await (await agent("/query", { sql, params })).json()) as { rows: T[] };
  return rows;
}

/** Takes the database away from the Worker: open connections are closed, new ones never answered. */
export async function databaseDown(): Promise<void> {
  await agent("/down");
}

export async function databaseUp(): Promise<void> {
  await agent("/up");
}
