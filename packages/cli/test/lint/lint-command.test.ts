import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/main";
import { recordingIo } from "../../src/testing";
import { exampleApp, lintApp, makeApp, positionOf, removeApps, repoRoot } from "./fixture-app";

afterAll(removeApps);

// The example app's orders:upsert, made to read the legacy table itself through a helper.
const legacyHelper = `import type { ActionCtx } from "@orrery/store";
import type { AppSchema } from "./schema";

/** Whether the legacy database still has the order. */
export async function legacyOrderExists(ctx: ActionCtx<AppSchema>, legacyId: string): Promise<boolean> {
  const rows = await ctx.sql.query("SELECT 1 FROM legacy_orders WHERE id = $1", [legacyId]);
  return rows.length > 0;
}
`;

function exampleWithSqlInMutation(): string {
  const orders = readFileSync(path.join(exampleApp, "orders.ts"), "utf8");
  const anchor = "const { id, ...fields } = args;";
  expect(orders).toContain(anchor);
  const edited = orders
    .replace(
      'import { api } from "./api";',
      'import { api } from "./api";\nimport { legacyOrderExists } from "./legacy";',
    )
    .replace(
      anchor,
      `${anchor}\n    if (fields.legacyId && !(await legacyOrderExists(ctx as never, fields.legacyId))) return null;`,
    );
  return makeApp({ "legacy.ts": legacyHelper, "orders.ts": edited }, exampleApp);
}

describe("orrery lint", () => {
  it("prints nothing and exits 0 on the example app", async () => {
    const io = recordingIo(repoRoot);
    expect(await main(["lint", "--dir", "apps/worker/src/app"], io)).toBe(0);
    expect(io.stdout).toEqual([]);
    expect(io.stderr).toEqual([]);
  });

  it("names the helper's file and line when the example's mutation reaches ctx.sql through it, and exits 1", async () => {
    const root = exampleWithSqlInMutation();
    const { code, stdout, stderr } = await lintApp(root);
    const at = positionOf(legacyHelper, "ctx.sql");
    expect(code).toBe(1);
    expect(stderr).toEqual([]);
    expect(stdout).toHaveLength(2);
    expect(stdout[0]).toMatch(
      new RegExp(
        `^src/app/legacy\\.ts:${at.line}:${at.column} hyperdrive_outside_action ctx\\.sql is reached from mutation "orders:upsert" \\(src/app/orders\\.ts:\\d+\\) via legacyOrderExists; ctx\\.sql exists only in actions`,
      ),
    );
    expect(stdout[1]).toBe("1 problem (1 error, 0 warnings)");
  });

  it("prints the findings as a JSON array with --json", async () => {
    const root = exampleWithSqlInMutation();
    const { code, stdout } = await lintApp(root, "--json");
    expect(code).toBe(1);
    const findings = JSON.parse(stdout.join("\n"));
    expect(findings).toEqual([
      {
        file: "src/app/legacy.ts",
        ...positionOf(legacyHelper, "ctx.sql"),
        rule: "hyperdrive_outside_action",
        severity: "error",
        message: expect.stringContaining('mutation "orders:upsert"'),
      },
    ]);
    expect(Object.keys(findings[0])).toEqual(["file", "line", "column", "rule", "severity", "message"]);
  });

  it("prints [] with --json when clean", async () => {
    const io = recordingIo(repoRoot);
    expect(await main(["lint", "--dir", "apps/worker/src/app", "--json"], io)).toBe(0);
    expect(io.stdout).toEqual(["[]"]);
  });

  it("rejects an unknown flag with exit 2, naming it on the first line", async () => {
    const io = recordingIo(repoRoot);
    expect(await main(["lint", "--fix"], io)).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(io.stderr[0]).toMatch(/^orrery lint: Unknown option '--fix'/);
  });

  it("says in one line that the functions folder is missing, and exits 2", async () => {
    const io = recordingIo(repoRoot);
    expect(await main(["lint", "--dir", "no/such/dir"], io)).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(io.stderr).toEqual([
      'orrery lint: functions folder not found: no/such/dir (pass --dir <path>, or set "functions" in orrery.config.json)',
    ]);
  });

  it("describes every rule in --help", async () => {
    const io = recordingIo(repoRoot);
    expect(await main(["lint", "--help"], io)).toBe(0);
    const help = io.stdout.join("\n");
    for (const rule of ["hyperdrive_outside_action", "nondeterministic_query", "filter_without_index"])
      expect(help).toContain(rule);
  });
});
