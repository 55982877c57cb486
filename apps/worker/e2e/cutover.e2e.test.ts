import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Maintenance, OrreryClient } from "@orrery/client";
import type { FunctionArgs, FunctionReturn, QueryReference } from "@orrery/store";
import { type DatabaseServer, startPostgres } from "@orrery/test-harness";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { api } from "../src/app/api";
import { type DevServer, startDevServer } from "./dev-server";
import { devToken } from "./plain-client";

/*
 * The cutover, on the example app as README line 1 runs it: an app on its embedded
 * default (DO SQLite + local D1) moves its .global() tables to Postgres while a client keeps
 * working. Every step is what its user would do: the `orrery` CLI for maintenance, migrations
 * and etl, `pnpm start --env postgres` for the switch.
 */

const workerDir = fileURLToPath(new URL("..", import.meta.url));
const cli = fileURLToPath(new URL("../node_modules/@orrery/cli/bin/orrery.js", import.meta.url));
const ADMIN_TOKEN = "cutover-admin-token";
const MESSAGE = "Moving to Postgres, back in a minute";
const CUSTOMER = "acme";

let stateDir: string;
let envFile: string;
let database: DatabaseServer;
let server: DevServer | undefined;
let sql: postgres.Sql;
const clients: OrreryClient[] = [];

/** `orrery <args>` as a user runs it, in the app's folder; its output and exit code. */
function orrery(...args: string[]) {
  const run = spawnSync(process.execPath, [cli, ...args], {
    cwd: workerDir,
    encoding: "utf8",
    env: { ...process.env, ORRERY_ADMIN_TOKEN: ADMIN_TOKEN, DATABASE_URL: database.url },
  });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

const start = (args: string[], env: Record<string, string> = {}, port?: number) =>
  startDevServer(["--persist-to", stateDir, "--env-file", envFile, ...args], env, port);

function connect(url: string, namespace: string, seen: (Maintenance | null)[]): OrreryClient {
  const client = new OrreryClient(url, {
    namespace,
    WebSocket: WebSocket as never,
    reconnect: { minDelayMs: 100, maxDelayMs: 500 },
    // Probes far apart: what ends maintenance for the client is the server saying so.
    mutationResend: { minDelayMs: 60_000, maxDelayMs: 60_000 },
    onMaintenanceChange: (maintenance) => seen.push(maintenance),
  });
  client.setAuth(() => devToken(url, "ada"));
  clients.push(client);
  return client;
}

/** A live query of the client's: a function that returns its latest value (undefined until one). */
function watch<Q extends QueryReference>(client: OrreryClient, query: Q, args: FunctionArgs<Q>) {
  client.watchQuery(query, args, () => undefined);
  return (): FunctionReturn<Q> | undefined => {
    const result = client.queryResult(query, args);
    return result?.status === "value" ? result.value : undefined;
  };
}

interface Order {
  _id: string;
  _creationTime: number;
  _version: number;
  customer: string;
  total: number;
  status: string;
}

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), "orrery-cutover-"));
  envFile = path.join(stateDir, "admin.env");
  writeFileSync(envFile, `ORRERY_ADMIN_TOKEN=${ADMIN_TOKEN}\n`);
  [database, server] = await Promise.all([startPostgres(), start([])]);
  sql = postgres(database.url, { max: 1, onnotice: () => undefined });
}, 240_000);

afterAll(async () => {
  for (const client of clients) client.close();
  await server?.stop();
  await sql?.end();
  await database?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
}, 60_000);

describe("moving the example app's .global() tables from D1 to Postgres, with a client connected throughout", () => {
  it("maintenance on → writes refused while reads update → etl → restart on Postgres → maintenance off → the queued mutation lands once", async () => {
    const namespace = `cutover-${Date.now()}`;
    const seen: (Maintenance | null)[] = [];
    const client = connect(server!.url, namespace, seen);
    const orders = watch(client, api.orders.byCustomer, { customer: CUSTOMER });
    const latest = () =>
      orders()
        ?.map((o) => `${o.status}:${o.total}`)
        .sort();

    // Before: the app on D1, a few orders and a task of the namespace's own (DO SQLite).
    expect(await (await fetch(`${server!.url}/api/health`)).json()).toMatchObject({ globalBackend: "d1" });
    for (const [i, status] of ["open", "paid", "shipped"].entries())
      await client.mutation(api.orders.upsert, { customer: CUSTOMER, total: 10 * (i + 1), status });
    await client.mutation(api.tasks.add, { list: "move", text: "keep me" });
    await expect.poll(latest).toEqual(["open:10", "paid:20", "shipped:30"]);

    // 1. Maintenance on, with the CLI.
    const worker = `${server!.url}/api`;
    const on = orrery(
      "maintenance",
      "on",
      "--worker",
      worker,
      "--namespace",
      namespace,
      "--message",
      MESSAGE,
    );
    expect(on.code, on.output).toBe(0);
    await expect.poll(() => client.maintenance()).toEqual({ message: MESSAGE });

    // 2. A mutation over HTTP is refused and writes nothing; the client's is held, not lost.
    const refused = await fetch(`${worker}/${namespace}/mutations/orders:upsert`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ customer: CUSTOMER, total: 1, status: "refused" }),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("30");
    expect(await refused.json()).toEqual({ error: { code: "MAINTENANCE", message: MESSAGE } });
    const queued = client.mutation(api.orders.upsert, { customer: CUSTOMER, total: 99, status: "queued" });
    let landed: string | undefined;
    void queued.then((id) => (landed = id));
    expect(client.connectionState().pendingMutations).toBe(1);

    // ...while the subscription still updates: the cutover's own write (the admin seed) reaches it.
    const seededId = "01JZ0000000000000000000042";
    const seed = await fetch(`${worker}/${namespace}/admin/seed`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        tables: { orders: { rows: [{ _id: seededId, customer: CUSTOMER, total: 7, status: "seeded" }] } },
      }),
    });
    expect(seed.status, await seed.clone().text()).toBe(200);
    await expect.poll(latest).toEqual(["open:10", "paid:20", "seeded:7", "shipped:30"]);
    const before = orders()!;

    // 3. Stop the D1 app (SQLite checkpoints its WAL), make the tables on Postgres, copy the rows.
    await server!.stop();
    const { port } = server!;
    server = undefined;
    const migrations = path.join(stateDir, "migrations-global");
    const generated = orrery("migrate", "generate", "--engine", "postgres", "--dir", migrations);
    expect(generated.code, generated.output).toBe(0);
    const migrated = orrery("migrate", "latest", "--dir", migrations);
    expect(migrated.code, migrated.output).toBe(0);
    // The local D1 database, as the README says to name it: the folder wrangler keeps it in.
    const etl = orrery("etl", path.join(stateDir, "v3", "d1"), "--namespace", namespace);
    expect(etl.code, etl.output).toBe(0);
    expect(etl.output).toContain(
      "the app's own .global() tables, as Orrery wrote them in D1 (ids and versions kept)",
    );
    expect(etl.output).toMatch(/checked orders → orders: 4 rows \(4 new, 0 loaded before\)/);
    expect(etl.output).toMatch(/✔ orders → orders: 4 rows/);
    // The three orders' events, published to D1's outbox (local dev runs no Cron Trigger to relay
    // them), go along: left in D1 they would never be sent.
    expect(etl.output).toContain("Carried 3 unsent outbox messages of D1's _orrery_global_outbox");
    expect(client.connectionState().pendingMutations).toBe(1);
    expect(landed).toBeUndefined();

    // 4. The same worker, now with its .global() tables on Postgres, on the same port and state.
    server = await start(
      ["--env", "postgres"],
      { CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE_PG: database.url },
      port,
    );
    expect(await (await fetch(`${server.url}/api/health`)).json()).toMatchObject({
      globalBackend: "postgres",
    });
    // Still in maintenance (the flag is the namespace's, kept in its Durable Object).
    const status = orrery("maintenance", "status", "--worker", worker, "--namespace", namespace);
    expect(status.code, status.output).toBe(0);
    expect(status.output).toContain(MESSAGE);
    // The client is back, still told to wait, its mutation still held; it reads from Postgres
    // exactly what it read from D1, down to the ids and versions.
    await expect.poll(() => client.connectionState().state, { timeout: 20_000 }).toBe("open");
    expect(client.maintenance()).toEqual({ message: MESSAGE });
    expect(client.connectionState().pendingMutations).toBe(1);
    const read = watch(connect(server.url, namespace, []), api.orders.byCustomer, { customer: CUSTOMER });
    const byId = (list: readonly Order[] | undefined) =>
      [...(list ?? [])].sort((a, b) => a._id.localeCompare(b._id));
    await expect.poll(() => byId(read())).toEqual(byId(before));

    // 5. Maintenance off: the queued mutation is sent, once, and lands in Postgres.
    const off = orrery("maintenance", "off", "--worker", worker, "--namespace", namespace);
    expect(off.code, off.output).toBe(0);
    const id = await queued;
    expect(seen.at(-1)).toBeNull();
    await expect.poll(latest).toEqual(["open:10", "paid:20", "queued:99", "seeded:7", "shipped:30"]);
    const rows =
      await sql`SELECT "_id", "_version", "status", "total" FROM "orders" WHERE "_namespace" = ${namespace} ORDER BY "_id"`;
    expect(rows.map((r) => [r._id, r.status, Number(r.total), Number(r._version)])).toEqual(
      byId([
        ...before,
        { _id: id, _creationTime: 0, status: "queued", total: 99, _version: 1, customer: CUSTOMER },
      ]).map((o) => [o._id, o.status, o.total, o._version]),
    );
    // The outbox on Postgres holds the three carried events, then the queued order's, in order.
    const events =
      await sql`SELECT "payload", "sent_at" FROM "_orrery_global_outbox" WHERE "namespace" = ${namespace} ORDER BY "commit_version", "seq"`;
    const placed = [...before]
      .sort((a, b) => a._creationTime - b._creationTime)
      .filter((o) => o._id !== seededId);
    expect(events.map((e) => [JSON.parse(e.payload).orderId, e.sent_at])).toEqual([
      ...placed.map((o) => [o._id, null]),
      [id, null],
    ]);

    // The namespace's own tables came through the switch: the task is still there.
    const tasks = watch(client, api.tasks.list, { list: "move" });
    await expect.poll(() => tasks()?.map((t) => t.text)).toEqual(["keep me"]);
  });
});
