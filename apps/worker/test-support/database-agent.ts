import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import net from "node:net";
import { type DatabaseServer, startMariaDb, startPostgres } from "@orrery/test-harness";
import mysql from "mysql2/promise";
import postgres from "postgres";

export type AgentEngine = "postgres" | "mysql";

/**
 * A throwaway database for the Worker's tests, with a Node-side agent in front of it:
 *
 * - `proxiedUrl` reaches the server through a TCP proxy the agent controls; it is what the
 *   Worker's Hyperdrive binding gets, so a test can take the database away (`down`: open
 *   connections are closed, new ones never answered) and bring it back (`up`) without stopping
 *   the server or losing its data;
 * - `query` runs SQL on a direct connection, to check what really landed;
 * - `url` serves both over HTTP (`POST /query`, `POST /down`, `POST /up`), for tests that run
 *   inside workerd.
 */
export interface DatabaseAgent {
  readonly engine: AgentEngine;
  readonly server: DatabaseServer;
  readonly proxiedUrl: string;
  readonly url: string;
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  down(): void;
  up(): void;
  stop(): Promise<void>;
}

/** What `POST /query` takes. */
export interface AgentQuery {
  readonly sql: string;
  readonly params?: readonly unknown[];
}

interface Proxy {
  readonly port: number;
  down(): void;
  up(): void;
  close(): Promise<void>;
}

/**
 * Ends a socket gracefully and keeps draining it: the other side (miniflare's Hyperdrive proxy,
 * which has no error handlers) sees a clean close, never a reset.
 */
function hangUp(socket: net.Socket): void {
  socket.unpipe();
  socket.on("data", () => undefined);
  socket.end();
}

async function startProxy(targetPort: number): Promise<Proxy> {
  const clients = new Set<net.Socket>();
  const held = new Set<net.Socket>();
  let isDown = false;
  const server = net.createServer((client) => {
    client.on("error", () => client.destroy());
    if (isDown) {
      // A partition: the connection opens and nothing ever answers, so drivers give up on their
      // connect timeout. (Hanging up at once instead makes postgres.js reconnect forever.)
      held.add(client);
      client.on("data", () => undefined);
      client.on("close", () => held.delete(client));
      return;
    }
    clients.add(client);
    const upstream = net.connect(targetPort, "127.0.0.1");
    upstream.on("error", () => hangUp(client));
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => {
      clients.delete(client);
      upstream.destroy();
    });
    upstream.on("close", () => hangUp(client));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no TCP address");
  return {
    port: address.port,
    down() {
      isDown = true;
      for (const client of clients) hangUp(client);
      clients.clear();
    },
    up() {
      isDown = false;
      for (const client of held) hangUp(client);
      held.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of [...clients, ...held]) client.destroy();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of request) body += String(chunk);
  return body;
}

function directClient(engine: AgentEngine, url: string) {
  if (engine === "postgres") {
    const sql = postgres(url, { max: 2, onnotice: () => undefined });
    return {
      query: async <T>(text: string, params: readonly unknown[] = []) =>
        [...(await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[]))] as T[],
      end: () => sql.end({ timeout: 1 }),
    };
  }
  const pool = mysql.createPool({ uri: url, connectionLimit: 2 });
  return {
    async query<T>(text: string, params: readonly unknown[] = []) {
      const [rows] = await pool.query(text, [...params]);
      return (Array.isArray(rows) ? rows : []) as T[];
    },
    end: () => pool.end(),
  };
}

/** Starts a Postgres 15 or MariaDB server from the test harness, with its proxy and agent. */
export async function startDatabaseAgent(engine: AgentEngine): Promise<DatabaseAgent> {
  const server = engine === "postgres" ? await startPostgres() : await startMariaDb();
  const proxy = await startProxy(server.port);
  const direct = directClient(engine, server.url);
  const proxied = new URL(server.url);
  proxied.port = String(proxy.port);

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    try {
      if (request.method !== "POST") throw new Error("POST /query, /down or /up");
      switch (request.url) {
        case "/query": {
          const { sql, params } = JSON.parse(await readBody(request)) as AgentQuery;
          const rows = await direct.query(sql, params ?? []);
          response.writeHead(200, { "content-type": "application/json" });
          response.end(JSON.stringify({ rows }));
          return;
        }
        case "/down":
          proxy.down();
          break;
        case "/up":
          proxy.up();
          break;
        default:
          throw new Error(`no route ${request.url}`);
      }
      response.writeHead(204).end();
    } catch (error) {
      response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    }
  };
  const http: Server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  http.unref();
  const address = http.address();
  if (address === null || typeof address === "string") throw new Error("agent has no TCP address");

  let stopped: Promise<void> | undefined;
  return {
    engine,
    server,
    proxiedUrl: proxied.toString(),
    url: `http://127.0.0.1:${address.port}`,
    query: (sql, params) => direct.query(sql, params),
    down: () => proxy.down(),
    up: () => proxy.up(),
    stop() {
      stopped ??= (async () => {
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
        await direct.end().catch(() => undefined);
        await proxy.close();
        await server.stop();
      })();
      return stopped;
    },
  };
}

const REGISTRY = Symbol.for("orrery.worker-test.database-agents");

function registry(): Set<DatabaseAgent> {
  const holder = globalThis as { [REGISTRY]?: Set<DatabaseAgent> };
  holder[REGISTRY] ??= new Set();
  return holder[REGISTRY];
}

/**
 * Remembers `agent` for {@link stopRegisteredAgents}: a vitest config starts the agent (its URL
 * goes into the config) and the config's globalSetup teardown, in the same process, stops it.
 * The harness also stops the server at process exit, whatever happens.
 */
export function registerForTeardown(agent: DatabaseAgent): DatabaseAgent {
  registry().add(agent);
  return agent;
}

export async function stopRegisteredAgents(): Promise<void> {
  const agents = [...registry()];
  registry().clear();
  await Promise.all(agents.map((agent) => agent.stop()));
}
