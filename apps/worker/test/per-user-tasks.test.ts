import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { devJwks } from "../src/dev-auth/dev-issuer";
import { devTokenRoute } from "../src/dev-auth/dev-token-route";
import { signedInAs, tokenFor } from "./sign-in";
import { hasUpdate, SocketClient, updateFor } from "./socket-client";

const ns = () => `users-${crypto.randomUUID()}`;
const SECRET = "bob's secret errand";

interface Task {
  _id: string;
  owner: string;
  text: string;
  done: boolean;
}

let alice: Record<string, string>;
let bob: Record<string, string>;
beforeAll(async () => {
  [alice, bob] = await Promise.all([signedInAs("alice"), signedInAs("bob")]);
});

const post = (namespace: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  exports.default.fetch(`http://orrery.test/api/${namespace}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

async function json(
  response: Response,
): Promise<{ value?: unknown; error?: { code: string; message: string } }> {
  return (await response.json()) as { value?: unknown; error?: { code: string; message: string } };
}

/** A namespace where bob has one task on his inbox (and a second, done): returns its id. */
async function withBobsTask(namespace: string): Promise<string> {
  const added = await json(
    await post(namespace, "mutations/tasks:add", { list: "inbox", text: SECRET }, bob),
  );
  await post(namespace, "mutations/tasks:add", { list: "inbox", text: `${SECRET} 2` }, bob);
  return added.value as string;
}

async function bobsInbox(namespace: string): Promise<Task[]> {
  return (await json(await post(namespace, "queries/tasks:list", { list: "inbox" }, bob))).value as Task[];
}

describe("per-user task lists", () => {
  it("each user has their own lists; an anonymous caller is refused with UNAUTHENTICATED", async () => {
    const namespace = ns();
    await withBobsTask(namespace);
    await post(namespace, "mutations/tasks:add", { list: "inbox", text: "alice's" }, alice);
    const mine = (await json(await post(namespace, "queries/tasks:list", { list: "inbox" }, alice))).value;
    expect(mine).toMatchObject([{ owner: "alice", text: "alice's" }]);
    expect((await bobsInbox(namespace)).map((t) => t.text)).toEqual([SECRET, `${SECRET} 2`]);
    for (const [path, args] of [
      ["queries/tasks:list", { list: "inbox" }],
      ["mutations/tasks:add", { list: "inbox", text: "x" }],
    ] as const) {
      const response = await post(namespace, path, args);
      expect(response.status).toBe(401);
      expect(await json(response)).toEqual({
        error: { code: "UNAUTHENTICATED", message: expect.stringContaining("needs a signed-in user") },
      });
    }
  });

  it("over HTTP, a guessed id of another user's task is NOT_FOUND, like a missing one, and changes nothing", async () => {
    const namespace = ns();
    const id = await withBobsTask(namespace);
    for (const path of ["mutations/tasks:toggle", "mutations/tasks:remove"]) {
      const response = await post(namespace, path, { id }, alice);
      expect(response.status).toBe(404);
      const body = await json(response);
      expect(body).toEqual({ error: { code: "NOT_FOUND", message: `args.id: no task "${id}"` } });
      const missing = await json(await post(namespace, path, { id: "01ARZ3NDEKTSV4RRFFQ69G5FAV" }, alice));
      expect(missing.error?.message).toBe('args.id: no task "01ARZ3NDEKTSV4RRFFQ69G5FAV"');
    }
    expect(await bobsInbox(namespace)).toMatchObject([{ _id: id, done: false }, { done: false }]);
  });

  it("over the socket, another user's writes never reach a subscriber, and their task ids are NOT_FOUND", async () => {
    const namespace = ns();
    const [alices, bobs] = await Promise.all([
      SocketClient.open(namespace, { as: "alice" }),
      SocketClient.open(namespace, { as: "bob" }),
    ]);
    expect(await alices.subscribe("inbox", "tasks:list", { list: "inbox" })).toEqual([]);
    await bobs.subscribe("inbox", "tasks:list", { list: "inbox" });
    const added = await bobs.mutate("b1", "tasks:add", { list: "inbox", text: SECRET });
    expect(added).toMatchObject({ ok: true });
    await bobs.next((m) => m.type === "transition" && hasUpdate(m, "inbox"));
    for (const mutation of ["tasks:toggle", "tasks:remove"])
      expect(await alices.mutate(`a-${mutation}`, mutation, { id: added.value })).toMatchObject({
        ok: false,
        error: { code: "NOT_FOUND" },
      });
    await alices.settle();
    expect(JSON.stringify(alices.pending())).not.toContain("secret");
    expect(await bobsInbox(namespace)).toMatchObject([{ text: SECRET, done: false }]);
    await Promise.all([alices.close(), bobs.close()]);
  });

  it("a crafted pagination cursor pointing into another user's range yields nothing", async () => {
    const namespace = ns();
    const bobsId = await withBobsTask(namespace);
    for (const text of ["a1", "a2"])
      await post(namespace, "mutations/tasks:add", { list: "inbox", text }, alice);
    const page = (cursor: string | null, endCursor?: string) =>
      post(
        namespace,
        "queries/tasks:page",
        { list: "inbox", paginationOpts: { cursor, numItems: 10, ...(endCursor ? { endCursor } : {}) } },
        alice,
      ).then(json);
    const first = (await page(null)).value as { page: Task[]; continueCursor: string };
    expect(first.page.map((t) => t.text)).toEqual(["a1", "a2"]);
    // The cursor is base64url JSON of the index and a key: rewrite its key to bob's range.
    const decode = (cursor: string) =>
      JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/"))) as { i: string; k: unknown[] };
    const encode = (body: unknown) =>
      btoa(JSON.stringify(body)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    const { i } = decode(first.continueCursor);
    for (const k of [
      ["bob", "inbox", bobsId],
      ["bob", "inbox", "00000000000000000000000000"],
      ["alicf", "", "00000000000000000000000000"],
      ["", "", "00000000000000000000000000"],
    ]) {
      const crafted = encode({ i, k });
      for (const result of [await page(crafted), await page(null, crafted)]) {
        expect(JSON.stringify(result)).not.toContain("secret");
        expect(result.value ?? result.error).toBeDefined();
      }
    }
  });

  it("a guessed request id or Idempotency-Key is the guesser's own: it runs their mutation, never answers with the other's result", async () => {
    const namespace = ns();
    const key = "shared-guessable-key";
    const bobs = await json(
      await post(
        namespace,
        "mutations/tasks:add",
        { list: "inbox", text: SECRET },
        { ...bob, "Idempotency-Key": key },
      ),
    );
    const alices = await json(
      await post(
        namespace,
        "mutations/tasks:add",
        { list: "inbox", text: "alice's" },
        { ...alice, "Idempotency-Key": key },
      ),
    );
    expect(alices.value).not.toBe(bobs.value);
    const socket = await SocketClient.open(namespace, { as: "alice" });
    const again = await socket.mutate(key, "tasks:add", { list: "inbox", text: "alice's" });
    expect(again).toMatchObject({ ok: true, value: alices.value });
    await socket.close();
    const aliceInbox = (await json(await post(namespace, "queries/tasks:list", { list: "inbox" }, alice)))
      .value;
    expect(aliceInbox).toMatchObject([{ _id: alices.value, text: "alice's" }]);
    expect((await bobsInbox(namespace)).map((t) => t._id)).toEqual([bobs.value]);
  });

  it("another user's token on a live socket switches the lists it shows", async () => {
    const namespace = ns();
    await withBobsTask(namespace);
    const socket = await SocketClient.open(namespace, { as: "alice" });
    expect(await socket.subscribe("inbox", "tasks:list", { list: "inbox" })).toEqual([]);
    socket.send({ type: "authenticate", token: await tokenFor("bob") });
    const rerun = await socket.next((m) => m.type === "transition" && hasUpdate(m, "inbox"));
    expect((updateFor(rerun, "inbox") as Task[]).map((t) => t.text)).toEqual([SECRET, `${SECRET} 2`]);
    expect(await socket.next((m) => m.type === "auth")).toEqual({ type: "auth", subject: "bob" });
    socket.send({ type: "authenticate", token: null });
    const out = await socket.next((m) => m.type === "transition" && hasUpdate(m, "inbox"));
    expect(JSON.stringify(out)).toContain("UNAUTHENTICATED");
    expect(JSON.stringify(out)).not.toContain("secret");
    await socket.close();
  });

  it("the scheduler's entry point cannot be used to reach another user's tasks", async () => {
    const namespace = ns();
    const bobsId = await withBobsTask(namespace);
    // addDue takes the id of a task waiting in later_tasks: any other id adds nothing.
    for (const id of [bobsId, "01ARZ3NDEKTSV4RRFFQ69G5FAV"]) {
      const answer = await json(await post(namespace, "mutations/tasks:addDue", { id }, alice));
      expect(answer).toEqual({ value: null, commitVersion: expect.any(Number) });
    }
    expect(await bobsInbox(namespace)).toHaveLength(2);
    expect((await json(await post(namespace, "queries/tasks:list", { list: "inbox" }, alice))).value).toEqual(
      [],
    );
  });

  it("without ORRERY_DEV_AUTH (a deploy), there is no token route and no development key", async () => {
    const request = new Request("http://orrery.test/api/dev/token?user=ada");
    expect(await devTokenRoute(request, {})).toBeNull();
    expect(await devTokenRoute(request, { ORRERY_DEV_AUTH: "on" })).toBeInstanceOf(Response);
    expect(await devJwks({})).toEqual({ keys: [] });
    expect((await devJwks({ ORRERY_DEV_AUTH: "on" })).keys).toHaveLength(1);
  });

  it("the development token route makes tokens only for plausible names", async () => {
    const bad = await exports.default.fetch("http://orrery.test/api/dev/token?user=%20");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { code: "BAD_REQUEST", message: expect.stringContaining("user must be") },
    });
    const ttl = await exports.default.fetch("http://orrery.test/api/dev/token?user=ada&ttl=0");
    expect(ttl.status).toBe(400);
    const ok = await exports.default.fetch("http://orrery.test/api/dev/token?user=ada&ttl=60");
    const body = (await ok.json()) as { token: string; subject: string; expiresAt: number };
    expect(body).toMatchObject({ subject: "ada", token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) });
    expect(Math.abs(body.expiresAt - (Date.now() + 60_000))).toBeLessThan(2_000);
  });
});
