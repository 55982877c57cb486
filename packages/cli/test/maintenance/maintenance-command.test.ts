import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { getFreePort } from "@orrery/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/main";
import { recordingIo } from "../../src/testing";
import { type NotesWorker, startNotesWorker } from "./notes-worker";

const TOKEN = "maintenance-test-token";
const persistDir = mkdtempSync(path.join(tmpdir(), "orrery-maintenance-"));
let worker: NotesWorker;

beforeAll(async () => {
  worker = await startNotesWorker(persistDir, TOKEN);
}, 150_000);
afterAll(async () => {
  await worker?.stop();
  rmSync(persistDir, { recursive: true, force: true });
}, 30_000);

async function maintenance(...args: string[]) {
  const io = recordingIo(tmpdir());
  const code = await main(["maintenance", ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const target = (...namespaces: string[]) => [
  "--worker",
  worker.url,
  "--token",
  TOKEN,
  ...namespaces.flatMap((ns) => ["--namespace", ns]),
];

function addNote(namespace: string, text: string): Promise<Response> {
  return fetch(`${worker.url}/${namespace}/mutations/notes:add`, {
    method: "POST",
    body: JSON.stringify({ board: "b", text }),
  });
}

const ISO = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

describe("orrery maintenance against wrangler dev", () => {
  it("turns namespaces on (writes get 503 MAINTENANCE), keeps them on across a restart of wrangler dev, and off", async () => {
    const [a, b] = [`cli-a-${Date.now()}`, `cli-b-${Date.now()}`];
    expect(await maintenance("status", ...target(a))).toEqual({
      code: 0,
      stdout: [`"${a}": off`],
      stderr: [],
    });

    const on = await maintenance("on", ...target(a, b), "--message", "Moving to Postgres");
    expect(on.stderr).toEqual([]);
    expect(on.code).toBe(0);
    expect(on.stdout).toHaveLength(2);
    for (const [line, ns] of [
      [on.stdout[0]!, a],
      [on.stdout[1]!, b],
    ])
      expect(line).toMatch(
        new RegExp(
          `^"${ns}": on since ${ISO}: Moving to Postgres \\(mutations and actions answer 503 MAINTENANCE\\)$`,
        ),
      );
    const refused = await addNote(a, "during");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("30");
    expect(await refused.json()).toEqual({ error: { code: "MAINTENANCE", message: "Moving to Postgres" } });
    const status = await maintenance("status", ...target(a));
    expect(status.stdout).toEqual([
      on.stdout[0]!.replace(" (mutations and actions answer 503 MAINTENANCE)", ""),
    ]);

    // A restart of wrangler dev on the same local state: the Durable Objects start cold.
    await worker.stop();
    worker = await startNotesWorker(persistDir, TOKEN);
    expect((await maintenance("status", ...target(a, b))).stdout).toEqual(
      on.stdout.map((line) => line.replace(" (mutations and actions answer 503 MAINTENANCE)", "")),
    );
    expect((await addNote(b, "after restart")).status).toBe(503);

    expect(await maintenance("off", ...target(a, b))).toEqual({
      code: 0,
      stdout: [`"${a}": off (writes accepted again)`, `"${b}": off (writes accepted again)`],
      stderr: [],
    });
    expect((await addNote(b, "after")).status).toBe(200);
    expect((await maintenance("status", ...target(b))).stdout).toEqual([`"${b}": off`]);
  });

  it("one line per error with its exit code: a wrong token, a wrong URL, no worker running, bad usage", async () => {
    expect(await maintenance("on", "--worker", worker.url, "--token", "wrong", "--namespace", "n")).toEqual({
      code: 1,
      stdout: [],
      stderr: [
        `orrery maintenance on: the worker at ${new URL(worker.url).origin} refused the admin token (401): pass --token (or set ORRERY_ADMIN_TOKEN) to the worker's ORRERY_ADMIN_TOKEN secret`,
      ],
    });
    const origin = new URL(worker.url).origin;
    expect(
      await maintenance("status", "--worker", `${origin}/wrong`, "--token", TOKEN, "--namespace", "n"),
    ).toEqual({
      code: 1,
      stdout: [],
      stderr: [
        `orrery maintenance status: no maintenance route at ${origin}/wrong/n/admin/maintenance (404): --worker must be the URL Orrery's routes are under, e.g. http://localhost:8787/api`,
      ],
    });
    const closed = `http://127.0.0.1:${await getFreePort()}`;
    expect(await maintenance("off", "--worker", closed, "--token", TOKEN, "--namespace", "n")).toEqual({
      code: 1,
      stdout: [],
      stderr: [
        `orrery maintenance off: cannot reach the worker at ${closed}: connection refused (is "orrery dev" running?)`,
      ],
    });

    const usage: [string[], string][] = [
      [
        ["on", "--worker", worker.url, "--token", TOKEN],
        "orrery maintenance on: --namespace is required: a worker cannot list its namespaces, so name each one (repeat --namespace)",
      ],
      [
        ["on", "--token", TOKEN, "--namespace", "n"],
        "orrery maintenance on: --worker is required: the URL Orrery's routes are under, e.g. http://localhost:8787/api",
      ],
      [
        ["on", ...target("n"), "--message", " "],
        "orrery maintenance on: --message must be 1 to 1000 characters",
      ],
      [
        ["on", "--worker", "localhost:8787", "--token", TOKEN, "--namespace", "n"],
        'orrery maintenance on: --worker must be an http:// or https:// URL, got "localhost:8787"',
      ],
      [["off", ...target("n"), "--message", "x"], "orrery maintenance off: Unknown option '--message'"],
      [["pause"], 'orrery maintenance: unknown subcommand "pause" (expected one of: on, off, status)'],
      [[], "orrery maintenance: expected a subcommand: on, off, status"],
    ];
    for (const [args, line] of usage) {
      const run = await maintenance(...args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr[0]).toBe(line);
      expect(run.stdout).toEqual([]);
    }

    const saved = process.env.ORRERY_ADMIN_TOKEN;
    delete process.env.ORRERY_ADMIN_TOKEN;
    try {
      expect(await maintenance("status", "--worker", worker.url, "--namespace", "n")).toMatchObject({
        code: 2,
        stderr: [
          "orrery maintenance status: --worker needs the admin token: pass --token or set ORRERY_ADMIN_TOKEN",
        ],
      });
      process.env.ORRERY_ADMIN_TOKEN = TOKEN;
      expect(await maintenance("status", "--worker", worker.url, "--namespace", "from-env")).toEqual({
        code: 0,
        stdout: ['"from-env": off'],
        stderr: [],
      });
    } finally {
      if (saved === undefined) delete process.env.ORRERY_ADMIN_TOKEN;
      else process.env.ORRERY_ADMIN_TOKEN = saved;
    }
  });

  it("--help for the command and each subcommand", async () => {
    const top = await maintenance("--help");
    expect(top.code).toBe(0);
    expect(top.stdout.join("\n")).toContain("Usage: orrery maintenance <on|off|status>");
    for (const sub of ["on", "off", "status"]) {
      const help = await maintenance(sub, "--help");
      expect(help.code).toBe(0);
      expect(help.stdout.join("\n")).toContain(
        `Usage: orrery maintenance ${sub} --worker <url> --namespace <ns>`,
      );
    }
    const overview = recordingIo(tmpdir());
    await main(["--help"], overview);
    expect(overview.stdout.join("\n")).toMatch(/ {2}maintenance +Pause a namespace's writes for a cutover/);
  });
});
