import { functionReference } from "@orrery/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CLIENT_ID_STORAGE_KEY, type ClientIdStorage, resolveClientId } from "./client-id";
import { OrreryClient, type OrreryClientOptions } from "./orrery-client";
import { MutationQueue } from "./sync/mutation-queue";
import { FakeServer } from "./testing/fake-server";

const api = {
  tasks: {
    add: functionReference<"mutation", { text: string }, string>("tasks:add"),
    summarize: functionReference<"action", Record<string, never>, number>("tasks:summarize"),
  },
};

/** An in-memory localStorage. */
function memoryStorage(): ClientIdStorage & { readonly items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
  };
}

const throwingStorage: ClientIdStorage = {
  getItem: () => {
    throw new Error("SecurityError");
  },
  setItem: () => {
    throw new Error("QuotaExceededError");
  },
};

const clients: OrreryClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  vi.unstubAllGlobals();
});

function connect(server: FakeServer, options: Partial<OrreryClientOptions> = {}) {
  const client = new OrreryClient("http://orrery.test", {
    namespace: "team-1",
    WebSocket: server.WebSocket,
    reconnect: { minDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
  clients.push(client);
  return client;
}

describe("client id", () => {
  it("is generated once and kept in storage, so a reload gets the same id", () => {
    const storage = memoryStorage();
    const first = resolveClientId(undefined, storage);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(storage.items.get(CLIENT_ID_STORAGE_KEY)).toBe(first);
    expect(resolveClientId(undefined, storage)).toBe(first);
  });

  it("is a new random id each time without storage, and when storage throws", () => {
    expect(resolveClientId(undefined, undefined)).not.toBe(resolveClientId(undefined, undefined));
    expect(resolveClientId(undefined, throwingStorage)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("replaces a kept id that is not a valid one", () => {
    const storage = memoryStorage();
    storage.items.set(CLIENT_ID_STORAGE_KEY, "x".repeat(129));
    const id = resolveClientId(undefined, storage);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(storage.items.get(CLIENT_ID_STORAGE_KEY)).toBe(id);
  });

  it("takes an explicit id as it is, without storing it, and refuses an empty or overlong one", () => {
    const storage = memoryStorage();
    expect(resolveClientId("tab-7", storage)).toBe("tab-7");
    expect(storage.items.size).toBe(0);
    expect(() => resolveClientId("", storage)).toThrow("clientId must be 1 to 128 characters long");
    expect(() => resolveClientId("x".repeat(129), storage)).toThrow(TypeError);
  });

  it("MutationQueue puts the client id on every mutate, first send and resends alike", () => {
    let n = 0;
    const queue = new MutationQueue(() => `m${++n}`, "client-a");
    expect(queue.enqueue("tasks:add", { text: "a" }).message).toEqual({
      type: "mutate",
      requestId: "m1",
      mutation: "tasks:add",
      args: { text: "a" },
      clientId: "client-a",
    });
    expect(queue.messagesForReconnect()).toEqual([
      { type: "mutate", requestId: "m1", mutation: "tasks:add", args: { text: "a" }, clientId: "client-a" },
    ]);
  });

  it("OrreryClient sends its client id with every mutate, so a resend after a reconnect is recognized", async () => {
    const server = new FakeServer();
    const client = connect(server, { clientId: "client-a" });
    expect(client.clientId).toBe("client-a");
    await vi.waitFor(() => expect(client.connectionState().state).toBe("open"));
    void client.mutation(api.tasks.add, { text: "milk" }).catch(() => undefined);
    const [sent] = server.current.ofType("mutate");
    expect(sent).toMatchObject({ clientId: "client-a", mutation: "tasks:add" });
    server.current.drop();
    await vi.waitFor(() => expect(server.openCount).toBe(1));
    expect(server.current.ofType("mutate")).toEqual([sent]);
  });

  it("OrreryClient keeps its generated id in localStorage: clients of one browser share it", () => {
    const storage = memoryStorage();
    vi.stubGlobal("localStorage", storage);
    const server = new FakeServer();
    const first = connect(server);
    const second = connect(server);
    expect(first.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.clientId).toBe(first.clientId);
    expect(storage.items.get(CLIENT_ID_STORAGE_KEY)).toBe(first.clientId);
  });

  it("OrreryClient sends Orrery-Client-Id on HTTP calls", async () => {
    const server = new FakeServer();
    const headers: Headers[] = [];
    const fetchStub: typeof fetch = async (_input, init) => {
      headers.push(new Headers(init?.headers));
      return Response.json({ value: 1 });
    };
    const client = connect(server, { clientId: "client-a", fetch: fetchStub });
    await expect(client.action(api.tasks.summarize, {})).resolves.toBe(1);
    expect(headers[0]?.get("Orrery-Client-Id")).toBe("client-a");
    // An action is not idempotent: no key is sent with it.
    expect(headers[0]?.get("Idempotency-Key")).toBeNull();
  });
});
