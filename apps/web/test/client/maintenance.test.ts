import { type Maintenance, type OptimisticUpdate, OrreryClient } from "@orrery/client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type DevServer, startDevServer } from "../../../worker/e2e/dev-server";
import { api } from "../../src/api";
import { addTaskLocally } from "../../src/tasks/optimistic";
import { callFunction } from "../http";
import { ADMIN_TOKEN, adminTokenArgs, setMaintenance } from "../maintenance";
import { freshNamespace } from "../namespace";
import { devToken, signInAs, USER } from "../sign-in";

const MESSAGE = "Moving to Postgres, back at 14:00";
const token = adminTokenArgs();
let server: DevServer;
beforeAll(async () => {
  server = await startDevServer(token.args);
});
afterAll(async () => {
  await server?.stop();
  token.remove();
}, 30_000);

/** `ws` sockets that remember themselves, so a test can kill a client's connection. */
const sockets: WebSocket[] = [];
class TrackedWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    sockets.push(this);
  }
}

const clients: OrreryClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  sockets.length = 0;
});

function connect(namespace: string, seen: (Maintenance | null)[] = []): OrreryClient {
  const client = new OrreryClient(server.url, {
    namespace,
    WebSocket: TrackedWebSocket,
    reconnect: { minDelayMs: 100, maxDelayMs: 1_000 },
    // Probes far apart: each test says what ends maintenance for the client.
    mutationResend: { minDelayMs: 60_000, maxDelayMs: 60_000 },
    onMaintenanceChange: (maintenance) => seen.push(maintenance),
  });
  signInAs(client, server.url);
  clients.push(client);
  return client;
}

/** The page's optimistic tasks:add, for the signed-in user. */
const addLocally: OptimisticUpdate<{ list: string; text: string }> = (store, args) =>
  addTaskLocally(store, args, USER);

function watchList(client: OrreryClient, list: string) {
  client.watchQuery(api.tasks.list, { list }, () => {});
  return () => {
    const result = client.queryResult(api.tasks.list, { list });
    return result?.status === "value" ? result.value.map((task) => task.text) : result;
  };
}

const stored = async (namespace: string, list: string) =>
  ((await callFunction(server.url, namespace, "queries", "tasks:list", { list })) as { text: string }[]).map(
    (task) => task.text,
  );

async function post(namespace: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/${namespace}/${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${await devToken(server.url)}`,
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

describe("@orrery/client and maintenance, against the real worker", () => {
  it("a mutation made during maintenance stays queued (its update shown), and lands exactly once when it ends", async () => {
    const namespace = freshNamespace("client-maintenance");
    const seen: (Maintenance | null)[] = [];
    const [writer, watcher] = [connect(namespace, seen), connect(namespace)];
    const [written, watched] = [watchList(writer, "move"), watchList(watcher, "move")];
    await expect.poll(written).toEqual([]);
    await expect.poll(watched).toEqual([]);

    await setMaintenance(server.url, namespace, true, MESSAGE);
    await expect.poll(() => writer.maintenance()).toEqual({ message: MESSAGE });
    const added = writer.mutation(
      api.tasks.add,
      { list: "move", text: "pack" },
      { optimisticUpdate: addLocally },
    );
    expect(written()).toEqual(["pack"]);
    expect(writer.connectionState().pendingMutations).toBe(1);

    // Over HTTP, a mutation and an action are refused; nothing is stored.
    for (const path of ["mutations/tasks:add", "actions/orders:importLegacy"]) {
      const refused = await post(
        namespace,
        path,
        path.includes("tasks") ? { list: "move", text: "x" } : { customer: "a" },
      );
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("30");
      expect(await refused.json()).toEqual({ error: { code: "MAINTENANCE", message: MESSAGE } });
    }
    // Live queries keep answering: the cutover's own write (the admin seed route) reaches them.
    const seeded = await post(
      namespace,
      "admin/seed",
      {
        tables: {
          tasks: {
            rows: [
              { _id: "01JZ0000000000000000000000", owner: USER, list: "move", text: "migrated", done: false },
            ],
          },
        },
      },
      { authorization: `Bearer ${ADMIN_TOKEN}` },
    );
    expect(seeded.status).toBe(200);
    await expect.poll(watched).toEqual(["migrated"]);
    expect(await stored(namespace, "move")).toEqual(["migrated"]);
    await expect.poll(written).toEqual(["migrated", "pack"]);

    await setMaintenance(server.url, namespace, false);
    const id = await added;
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(writer.maintenance()).toBeNull();
    expect(seen).toEqual([{ message: MESSAGE }, null]);
    expect(await stored(namespace, "move")).toEqual(["migrated", "pack"]);
    await expect.poll(watched).toEqual(["migrated", "pack"]);
    expect(writer.connectionState().pendingMutations).toBe(0);
  });

  it("a client that was away when maintenance ended learns it on reconnect and sends its queue once", async () => {
    const namespace = freshNamespace("client-maintenance-away");
    const client = connect(namespace);
    const shown = watchList(client, "move");
    await expect.poll(shown).toEqual([]);
    await setMaintenance(server.url, namespace, true, MESSAGE);
    await expect.poll(() => client.maintenance()).toEqual({ message: MESSAGE });
    const first = client.mutation(
      api.tasks.add,
      { list: "move", text: "one" },
      { optimisticUpdate: addLocally },
    );
    const second = client.mutation(
      api.tasks.add,
      { list: "move", text: "two" },
      { optimisticUpdate: addLocally },
    );

    // The socket dies; maintenance ends while the client is away, so it never hears "off".
    sockets[0]!.terminate();
    await expect.poll(() => client.connectionState().state).toBe("closed");
    await setMaintenance(server.url, namespace, false);
    await Promise.all([first, second]);
    expect(client.maintenance()).toBeNull();
    expect(await stored(namespace, "move")).toEqual(["one", "two"]);
    expect(shown()).toEqual(["one", "two"]);
  });
});
