import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentEngine, type DatabaseAgent, startDatabaseAgent } from "../test-support/database-agent";
import { type DevServer, startDevServer } from "./dev-server";
import { plainClient } from "./plain-client";

const BINDING: Record<AgentEngine, string> = { postgres: "HYPERDRIVE_PG", mysql: "HYPERDRIVE_MYSQL" };

// The "must show": the app started as README line 1 starts it, in the postgres (then
// the mysql) wrangler environment, with the binding's local connection string pointing at a
// throwaway Postgres 15 (MariaDB 10.11) with a password. One server at a time.
describe.each<AgentEngine>(["postgres", "mysql"])("README line 1 with --env %s", (engine) => {
  let database: DatabaseAgent;
  let server: DevServer;

  beforeAll(async () => {
    database = await startDatabaseAgent(engine);
    server = await startDevServer(["--env", engine], {
      [`CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_${BINDING[engine]}`]: database.server.url,
    });
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
    await database?.stop();
  }, 60_000);

  it("orders:upsert over a plain ws client writes a row the database shows column per field, and a subscriber sees it", async () => {
    expect(await (await fetch(`${server.url}/api/health`)).json()).toMatchObject({ globalBackend: engine });
    const namespace = `e2e-${engine}-${Date.now()}`;
    const watcher = await plainClient(server.url, namespace);
    const writer = await plainClient(server.url, namespace);
    watcher.send({ type: "subscribe", id: "o", query: "orders:byCustomer", args: { customer: "acme" } });
    expect(await watcher.next((m) => m.type === "transition")).toMatchObject({
      updates: [{ id: "o", value: [] }],
    });
    writer.send({
      type: "mutate",
      requestId: "m1",
      mutation: "orders:upsert",
      args: { customer: "acme", total: 42.5, status: "open" },
    });
    const result = await writer.next((m) => m.type === "mutationResult");
    expect(result).toMatchObject({ ok: true, value: expect.any(String), commitVersion: expect.any(Number) });
    const id = result.value as string;
    expect(await watcher.next((m) => m.type === "transition")).toMatchObject({
      toVersion: result.commitVersion,
      updates: [
        { id: "o", value: [{ _id: id, customer: "acme", total: 42.5, status: "open", _version: 1 }] },
      ],
    });

    // What psql / mysql would show: one column per field, plus the system columns.
    const q = (name: string) => (engine === "postgres" ? `"${name}"` : `\`${name}\``);
    const rows = await database.query(
      `SELECT * FROM ${q("orders")} WHERE ${q("_id")} = ${engine === "postgres" ? "$1" : "?"}`,
      [id],
    );
    expect(rows).toHaveLength(1);
    const row = rows[0] ?? {};
    expect(Object.keys(row).sort()).toEqual(
      ["_creationTime", "_id", "_namespace", "_version", "customer", "legacyId", "status", "total"].sort(),
    );
    expect({ ...row, _version: Number(row._version) }).toEqual({
      _id: id,
      _namespace: namespace,
      _version: 1,
      _creationTime: expect.any(Number),
      customer: "acme",
      total: 42.5,
      status: "open",
      legacyId: null,
    });
    await Promise.all([watcher.close(), writer.close()]);
  });
});
