import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signedInAs } from "./sign-in";
import { SocketClient } from "./socket-client";

/** A call signed in as ada, whose lists the tasks functions read and write. */
const call = async (namespace: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  exports.default.fetch(`http://orrery.test/api/${namespace}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(await signedInAs("ada")), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });

describe("HTTP API", () => {
  it("runs queries and mutations by name and an HTTP mutation updates live queries", async () => {
    const namespace = `http-${crypto.randomUUID()}`;
    const watcher = await SocketClient.open(namespace, { as: "ada" });
    await watcher.subscribe("q", "tasks:list", { list: "inbox" });
    const added = await call(namespace, "mutations/tasks:add", { list: "inbox", text: "via http" });
    expect(added.status).toBe(200);
    const { value: id, commitVersion } = (await added.json()) as { value: string; commitVersion: number };
    expect(id).toHaveLength(26);
    expect(await watcher.next((m) => m.type === "transition")).toMatchObject({
      toVersion: commitVersion,
      updates: [{ id: "q", value: [{ _id: id }] }],
    });
    const listed = await call(namespace, "queries/tasks:list", { list: "inbox" });
    expect(await listed.json()).toMatchObject({ value: [{ text: "via http", done: false }] });
    await watcher.close();
  });

  it("answers errors with a code, a message and a fitting status", async () => {
    const namespace = `http-${crypto.randomUUID()}`;
    const cases: [Response, number, string][] = [
      [await call(namespace, "queries/tasks:nope", {}), 404, "NOT_FOUND"],
      [await call(namespace, "queries/tasks:list", { list: 1 }), 400, "INVALID_ARGUMENT"],
      [await call(namespace, "mutations/tasks:list", { list: "a" }), 400, "INVALID_ARGUMENT"],
      [await call(namespace, "queries/tasks:list", "{not json"), 400, "BAD_REQUEST"],
      [await call(namespace, "queries/tasks:list", [1, 2]), 400, "BAD_REQUEST"],
      [
        await call(namespace, "mutations/tasks:toggle", { id: "01ARZ3NDEKTSV4RRFFQ69G5FAV" }),
        404,
        "NOT_FOUND",
      ],
      [await call(namespace, "widgets/tasks:list", {}), 404, "NOT_FOUND"],
      [
        await call(namespace, "queries/tasks:list", { list: "x".repeat(1024 * 1024 + 1) }),
        413,
        "PAYLOAD_TOO_LARGE",
      ],
    ];
    for (const [response, status, code] of cases) {
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ error: { code, message: expect.any(String) } });
    }
  });

  it("stops reading a body at the 1 MiB limit: a streamed body far over it is refused with 413 after about 1 MiB", async () => {
    const chunk = new TextEncoder().encode(`{"list":"${"x".repeat(64 * 1024)}`);
    const total = 64 * 1024 * 1024;
    let pulled = 0;
    // No Content-Length: the size is known only by reading.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await exports.default.fetch(
      `http://orrery.test/api/http-${crypto.randomUUID()}/queries/tasks:list`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      },
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    expect(pulled).toBeLessThan(4 * 1024 * 1024);
  });

  it("refuses a body whose Content-Length is over the limit without reading it", async () => {
    const { readable, writable } = new FixedLengthStream(2 * 1024 * 1024);
    // Nothing is ever written: reading the body would wait forever.
    void writable;
    const response = await exports.default.fetch(
      `http://orrery.test/api/http-${crypto.randomUUID()}/queries/tasks:list`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: readable,
      },
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
  });

  it("admin/migrate answers 401 without the bearer token and migrates with it", async () => {
    const namespace = `admin-${crypto.randomUUID()}`;
    const anonymous = await exports.default.fetch(`http://orrery.test/api/${namespace}/admin/migrate`, {
      method: "POST",
    });
    expect(anonymous.status).toBe(401);
    // Signed in, but without the admin claim.
    expect((await call(namespace, "admin/migrate")).status).toBe(403);
    expect(
      (await call(namespace, "admin/migrate", undefined, { authorization: "Bearer wrong" })).status,
    ).toBe(401);
    const ok = await call(namespace, "admin/migrate", undefined, {
      authorization: "Bearer test-admin-token",
    });
    expect(ok.status).toBe(200);
    // As many as the drizzle journal lists: the object applied every one of them.
    const { entries } = (await import("../drizzle/meta/_journal.json")).default;
    expect(await ok.json()).toEqual({ migrations: entries.length });
  });
});
