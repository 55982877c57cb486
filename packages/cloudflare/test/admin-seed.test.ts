import { exports } from "cloudflare:workers";
import { seedId } from "@orrery/schema";
import { describe, expect, it } from "vitest";

const base = "http://notes.test";
const ns = () => `seed-${crypto.randomUUID()}`;
const TOKEN = "notes-admin-token";

type Note = { _id: string; _creationTime: number; _version: number; board: string; text: string };

/** Rows as `orrery seed --worker` sends them: each with its stable `_id` from the natural key. */
const seedRows = (rows: { board: string; text: string }[]) =>
  rows.map((row) => ({ _id: seedId("notes", { text: row.text }), ...row }));

function postSeed(namespace: string, body: unknown, token: string | null = TOKEN): Promise<Response> {
  return exports.default.fetch(`${base}/v1/${namespace}/admin/seed`, {
    method: "POST",
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

async function listNotes(namespace: string, board = "b"): Promise<Note[]> {
  const response = await exports.default.fetch(`${base}/v1/${namespace}/queries/notes:list`, {
    method: "POST",
    body: JSON.stringify({ board }),
  });
  return ((await response.json()) as { value: Note[] }).value;
}

const byId = (notes: Note[]) => [...notes].sort((a, b) => a._id.localeCompare(b._id));

describe("POST /:namespace/admin/seed (orrery seed --worker)", () => {
  it("answers 401 without the admin token or with a wrong one, and writes nothing", async () => {
    const namespace = ns();
    const body = { tables: { notes: { rows: seedRows([{ board: "b", text: "one" }]) } } };
    for (const token of [null, "wrong-token", ""]) {
      const response = await postSeed(namespace, body, token);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    }
    expect(await listNotes(namespace)).toEqual([]);
  });

  it("seeding twice leaves the same rows, ids, creation times and versions", async () => {
    const namespace = ns();
    const body = {
      tables: {
        notes: {
          rows: seedRows([
            { board: "b", text: "one" },
            { board: "b", text: "two" },
          ]),
        },
      },
    };
    const first = await postSeed(namespace, body);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      value: { tables: { notes: { inserted: 2, updated: 0, unchanged: 0 } } },
      commitVersion: 1,
    });
    const afterFirst = byId(await listNotes(namespace));
    expect(afterFirst.map((n) => n._id).sort()).toEqual(body.tables.notes.rows.map((r) => r._id).sort());

    const second = await postSeed(namespace, body);
    expect(await second.json()).toEqual({
      value: { tables: { notes: { inserted: 0, updated: 0, unchanged: 2 } } },
      commitVersion: 1,
    });
    expect(byId(await listNotes(namespace))).toEqual(afterFirst);
  });

  it("a changed value updates the row in place: same _id and _creationTime, _version raised", async () => {
    const namespace = ns();
    await postSeed(namespace, { tables: { notes: { rows: seedRows([{ board: "b", text: "one" }]) } } });
    const [before] = await listNotes(namespace);
    const moved = await postSeed(namespace, {
      tables: { notes: { rows: seedRows([{ board: "c", text: "one" }]) } },
    });
    expect(await moved.json()).toMatchObject({
      value: { tables: { notes: { inserted: 0, updated: 1, unchanged: 0 } } },
    });
    expect(await listNotes(namespace)).toEqual([]);
    expect(await listNotes(namespace, "c")).toEqual([
      { ...before, board: "c", _version: before!._version + 1 },
    ]);
  });

  it("a row equal to the stored one but with a field the table does not have is refused, not counted unchanged", async () => {
    const namespace = ns();
    const rows = seedRows([{ board: "b", text: "one" }]);
    await postSeed(namespace, { tables: { notes: { rows } } });
    const extra = await postSeed(namespace, {
      tables: { notes: { rows: [{ ...rows[0], _creationTime: 1 }] } },
    });
    expect(extra.status).toBe(400);
    const stray = await postSeed(namespace, { tables: { notes: { rows: [{ ...rows[0], color: "red" }] } } });
    expect(stray.status).toBe(400);
    expect(await stray.json()).toMatchObject({ error: { code: "INVALID_ARGUMENT" } });
  });

  it("a row that fails the table's validator is refused (400) and nothing of the seed is written", async () => {
    const namespace = ns();
    const response = await postSeed(namespace, {
      tables: {
        notes: {
          rows: [
            ...seedRows([{ board: "b", text: "fine" }]),
            { _id: seedId("notes", { text: "x" }), board: 1 },
          ],
        },
      },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "INVALID_ARGUMENT" } });
    expect(await listNotes(namespace)).toEqual([]);
  });

  it("pushes seeded rows to a live query", async () => {
    const namespace = ns();
    const response = await exports.default.fetch(`${base}/v1/${namespace}/ws`, {
      headers: { Upgrade: "websocket" },
    });
    const socket = response.webSocket!;
    socket.accept();
    const transitions: Record<string, unknown>[] = [];
    const next = () =>
      new Promise<Record<string, unknown>>((resolve) => {
        const listener = (event: MessageEvent) => {
          const message = JSON.parse(String(event.data)) as Record<string, unknown>;
          if (message.type !== "transition") return;
          socket.removeEventListener("message", listener);
          transitions.push(message);
          resolve(message);
        };
        socket.addEventListener("message", listener);
      });
    const first = next();
    socket.send(JSON.stringify({ type: "subscribe", id: "q", query: "notes:list", args: { board: "b" } }));
    expect(await first).toMatchObject({ updates: [{ id: "q", value: [] }] });
    const pushed = next();
    await postSeed(namespace, { tables: { notes: { rows: seedRows([{ board: "b", text: "live" }]) } } });
    expect(await pushed).toMatchObject({ updates: [{ id: "q", value: [{ text: "live" }] }] });
    const closed = new Promise((resolve) => socket.addEventListener("close", resolve, { once: true }));
    socket.close(1000, "done");
    await closed;
  });

  it("refuses rows without a document _id and tables the schema does not have", async () => {
    const namespace = ns();
    const noId = await postSeed(namespace, { tables: { notes: { rows: [{ board: "b", text: "t" }] } } });
    expect(noId.status).toBe(400);
    expect(await noId.json()).toMatchObject({
      error: { code: "INVALID_ARGUMENT", message: expect.stringContaining("_id") },
    });
    const unknown = await postSeed(namespace, { tables: { ghosts: { rows: [] } } });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { message: expect.stringContaining('"ghosts"') } });
  });
});
