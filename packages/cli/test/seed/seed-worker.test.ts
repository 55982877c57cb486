import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getFreePort } from "@orrery/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeProjects } from "../generate/fixture-project";
import { makeSeedProject, seed } from "./fixture";

interface Received {
  url: string;
  authorization: string | undefined;
  body: { tables: Record<string, { rows: Record<string, unknown>[] }> };
}

/** A stand-in worker: records what `orrery seed --worker` posts, answers like the real route. */
let server: Server;
let base: string;
const received: Received[] = [];
let answer: (request: IncomingMessage) => { status: number; body: unknown } = () => ({
  status: 500,
  body: {},
});

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    received.push({
      url: request.url ?? "",
      authorization: request.headers.authorization,
      body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
    });
    const { status, body } = answer(request);
    response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  removeProjects();
});

describe("orrery seed --worker", () => {
  it("posts every table's rows with their stable _id (values wire-encoded) to <url>/<ns>/admin/seed", async () => {
    const root = makeSeedProject();
    received.length = 0;
    answer = (request) => ({
      status: 200,
      body: {
        value: {
          tables: Object.fromEntries(
            Object.entries(received.at(-1)!.body.tables).map(([name, t]) => [
              name,
              { inserted: t.rows.length, updated: 0, unchanged: 0 },
            ]),
          ),
        },
        commitVersion: request ? 1 : 0,
      },
    });
    const run = await seed(root, "--worker", `${base}/v1`, "--namespace", "acme corp", "--token", "T0K");
    expect(run.stderr).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toEqual([
      "users: 3 rows (3 inserted, 0 updated, 0 unchanged)",
      "posts: 2 rows (2 inserted, 0 updated, 0 unchanged)",
      "notes: 1 row (1 inserted, 0 updated, 0 unchanged)",
      `Seeded 3 tables through ${base}/v1, namespace "acme corp".`,
    ]);
    const [post] = received;
    expect(post!.url).toBe("/v1/acme%20corp/admin/seed");
    expect(post!.authorization).toBe("Bearer T0K");
    const users = post!.body.tables.users!.rows;
    expect(users[0]).toEqual({
      _id: expect.stringMatching(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/),
      email: "ada@example.com",
      name: "Ada",
      admin: true,
      credits: { $int64: "10" },
      tags: ["math"],
      age: 36,
    });
    expect(post!.body.tables.posts!.rows[0]!.author).toBe(users[0]!._id);

    // The same ids on the next run.
    await seed(root, "--worker", `${base}/v1`, "--namespace", "acme corp", "--token", "T0K");
    expect(received[1]!.body).toEqual(post!.body);
  });

  it("a bare origin gets the default base path /api", async () => {
    const root = makeSeedProject();
    received.length = 0;
    answer = () => ({ status: 200, body: { value: { tables: {} } } });
    await seed(root, "--worker", base, "--namespace", "acme", "--token", "T");
    expect(received[0]!.url).toBe("/api/acme/admin/seed");
  });

  it("401, 404, a refused seed, an unreachable worker, a bad URL, no token: one line each, non-zero exit", async () => {
    const root = makeSeedProject();
    const run = (...args: string[]) => seed(root, "--namespace", "acme", ...args);

    answer = () => ({
      status: 401,
      body: { error: { code: "UNAUTHORIZED", message: "a valid admin bearer token is required" } },
    });
    expect(await run("--worker", base, "--token", "wrong")).toEqual({
      code: 1,
      stdout: [],
      stderr: [
        `orrery seed: the worker at ${base} refused the admin token (401): pass --token (or set ORRERY_ADMIN_TOKEN) to the worker's ORRERY_ADMIN_TOKEN secret`,
      ],
    });

    answer = () => ({ status: 404, body: { error: { code: "NOT_FOUND", message: "no route" } } });
    expect((await run("--worker", `${base}/wrong`, "--token", "T")).stderr).toEqual([
      `orrery seed: no seed route at ${base}/wrong/acme/admin/seed (404): --worker must be the URL Orrery's routes are under, e.g. http://localhost:8787/api`,
    ]);

    answer = () => ({
      status: 400,
      body: { error: { code: "INVALID_REFERENCE", message: "posts.author: no document" } },
    });
    expect((await run("--worker", base, "--token", "T")).stderr).toEqual([
      "orrery seed: the worker refused the seed (400 INVALID_REFERENCE: posts.author: no document)",
    ]);

    const closed = `http://127.0.0.1:${await getFreePort()}`;
    expect(await run("--worker", closed, "--token", "T")).toEqual({
      code: 1,
      stdout: [],
      stderr: [
        `orrery seed: cannot reach the worker at ${closed}: connection refused (is "orrery dev" running?)`,
      ],
    });

    expect(await run("--worker", "localhost:8787", "--token", "T")).toMatchObject({
      code: 2,
      stderr: ['orrery seed: --worker must be an http:// or https:// URL, got "localhost:8787"'],
    });
    const saved = process.env.ORRERY_ADMIN_TOKEN;
    delete process.env.ORRERY_ADMIN_TOKEN;
    try {
      expect(await run("--worker", base)).toMatchObject({
        code: 2,
        stderr: ["orrery seed: --worker needs the admin token: pass --token or set ORRERY_ADMIN_TOKEN"],
      });
    } finally {
      if (saved !== undefined) process.env.ORRERY_ADMIN_TOKEN = saved;
    }
  });

  it("usage: a namespace is required, --url and --worker exclude each other, the seed file must exist", async () => {
    const root = makeSeedProject();
    expect((await seed(root, "--worker", base, "--token", "T")).stderr).toEqual([
      "orrery seed: --namespace is required: the namespace whose rows the seed writes",
    ]);
    expect(
      (await seed(root, "--worker", base, "--url", "postgres://x/y", "--namespace", "n")).stderr,
    ).toEqual(["orrery seed: pass either --url (Postgres/MySQL) or --worker (a running worker), not both"]);
    expect(
      await seed(root, "missing.ts", "--worker", base, "--token", "T", "--namespace", "n"),
    ).toMatchObject({
      code: 2,
      stderr: ["orrery seed: missing.ts not found (pass the seed file as an argument)"],
    });
  });
});
