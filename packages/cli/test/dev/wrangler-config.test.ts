import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/command";
import { parseJsonc, stripJsonc } from "../../src/dev/jsonc";
import {
  configuredPort,
  d1Databases,
  d1ForMigrations,
  localDatabaseVars,
  readWranglerConfig,
} from "../../src/dev/wrangler-config";

const REPO = fileURLToPath(new URL("../../../..", import.meta.url));
const folder = mkdtempSync(path.join(os.tmpdir(), "orrery-dev-config-test-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const show = (file: string) => path.relative(folder, file);

function writeConfig(text: string, name = "wrangler.jsonc"): string {
  const file = path.join(folder, name);
  writeFileSync(file, text);
  return file;
}

const COMMENTED = `// The worker. "quotes" in a comment
{
  "$schema": "node_modules/wrangler/config-schema.json", // a trailing comment
  "name": "demo", /* a block comment with "quotes", // slashes and a */
  "url": "https://example.com/a//b", // "//" inside a string is not a comment
  "glob": "**/*.sql", /* nor is "/*" in one: */
  "escaped": "a \\"quoted\\" // word /* here",
  /*
   * A multi-line comment.
   */
  "d1_databases": [
    {
      "binding": "DB",
      "database_id": "00000000-0000-0000-0000-000000000000",
      "migrations_dir": "db/migrations", // trailing comma next
    },
    { "binding": "ANALYTICS", "database_id": "1" }, // no migrations_dir: wrangler's "migrations"
  ],
  "dev": { "port": 9000 },
  "env": {
    "staging": {
      "d1_databases": [{ "binding": "STAGING_DB", "migrations_dir": "db/migrations" }],
    },
    "empty": {},
  },
} // the end, without a newline`;

describe("parseJsonc", () => {
  it("drops // and /* */ comments and trailing commas, but not what strings hold", () => {
    expect(parseJsonc(COMMENTED)).toEqual({
      $schema: "node_modules/wrangler/config-schema.json",
      name: "demo",
      url: "https://example.com/a//b",
      glob: "**/*.sql",
      escaped: 'a "quoted" // word /* here',
      d1_databases: [
        {
          binding: "DB",
          database_id: "00000000-0000-0000-0000-000000000000",
          migrations_dir: "db/migrations",
        },
        { binding: "ANALYTICS", database_id: "1" },
      ],
      dev: { port: 9000 },
      env: {
        staging: { d1_databases: [{ binding: "STAGING_DB", migrations_dir: "db/migrations" }] },
        empty: {},
      },
    });
  });

  it("keeps line breaks and positions, so JSON errors point into the file", () => {
    const text = '{\n  // note\n  "a": 1,\n  "b": [1, 2,],\n}';
    expect(stripJsonc(text).split("\n")).toHaveLength(text.split("\n").length);
    expect(stripJsonc(text)).toHaveLength(text.length);
    expect(stripJsonc('{"a": [1,\n // c\n ],}')).toBe('{"a": [1 \n     \n ] }');
  });

  it("leaves a comma that is not trailing, and refuses an unterminated block comment", () => {
    expect(parseJsonc('[1, /* two */ 2, "," ]')).toEqual([1, 2, ","]);
    expect(() => parseJsonc('{"a": 1 /* open')).toThrow(/unterminated/);
  });
});

describe("the wrangler config orrery dev reads", () => {
  it("finds the D1 binding whose migrations_dir is the migrations folder (relative to the config)", () => {
    const config = readWranglerConfig(writeConfig(COMMENTED), show);
    expect(d1Databases(config)).toEqual([
      { binding: "DB", migrationsDir: path.join(folder, "db/migrations") },
      { binding: "ANALYTICS", migrationsDir: path.join(folder, "migrations") },
    ]);
    expect(d1ForMigrations(config, path.join(folder, "db", "migrations"))?.binding).toBe("DB");
    expect(d1ForMigrations(config, path.join(folder, "migrations"))?.binding).toBe("ANALYTICS");
    expect(d1ForMigrations(config, path.join(folder, "elsewhere"))).toBeUndefined();
    expect(configuredPort(config)).toBe(9000);
  });

  it("reads an environment's own d1_databases (wrangler does not inherit them)", () => {
    const config = readWranglerConfig(writeConfig(COMMENTED), show);
    expect(d1ForMigrations(config, path.join(folder, "db/migrations"), "staging")?.binding).toBe(
      "STAGING_DB",
    );
    expect(d1Databases(config, "empty")).toEqual([]);
    expect(() => d1Databases(config, "production")).toThrow(UsageError);
    expect(() => d1Databases(config, "production")).toThrow(/no environment "production"/);
  });

  it("reads the repo's own wrangler.jsonc: DB for apps/worker/drizzle, at the top and in --env postgres", () => {
    const config = readWranglerConfig(path.join(REPO, "wrangler.jsonc"), show);
    const drizzle = path.join(REPO, "apps/worker/drizzle");
    expect(d1ForMigrations(config, drizzle)?.binding).toBe("DB");
    expect(d1ForMigrations(config, drizzle, "postgres")?.binding).toBe("DB");
    expect(configuredPort(config)).toBeUndefined();
  });

  it("reads the template's wrangler.jsonc", () => {
    const template = readFileSync(new URL("../../templates/app/wrangler.jsonc", import.meta.url), "utf8");
    const config = readWranglerConfig(writeConfig(template, "template.jsonc"), show);
    expect(d1ForMigrations(config, path.join(folder, "migrations"))?.binding).toBe("DB");
  });

  it("names the file in errors: missing, TOML, not JSONC, not an object", () => {
    expect(() => readWranglerConfig(path.join(folder, "missing.jsonc"), show)).toThrow(
      /missing\.jsonc not found/,
    );
    expect(() => readWranglerConfig(writeConfig('name = "x"', "wrangler.toml"), show)).toThrow(/not TOML/);
    expect(() => readWranglerConfig(writeConfig("{ name: 1 }", "bad.jsonc"), show)).toThrow(
      /bad\.jsonc: not valid JSONC/,
    );
    expect(() => readWranglerConfig(writeConfig("[]", "list.jsonc"), show)).toThrow(/expected an object/);
  });

  it("gives wrangler dev a local database var per Hyperdrive binding of the environment, host and port only", () => {
    const config = readWranglerConfig(
      writeConfig(
        JSON.stringify({
          hyperdrive: [
            { binding: "TOP", id: "x", localConnectionString: "postgres://u:p@127.0.0.1:6543/db" },
          ],
          env: {
            postgres: {
              hyperdrive: [
                {
                  binding: "HYPERDRIVE_PG",
                  id: "x",
                  localConnectionString: "postgres://u:secret@db.local/app",
                },
                {
                  binding: "TLS",
                  id: "y",
                  localConnectionString: "postgres://u:p@h:5432/db?sslmode=require",
                },
                { binding: "NONE", id: "z" },
              ],
            },
            mysql: {
              hyperdrive: [
                { binding: "HYPERDRIVE_MYSQL", id: "x", localConnectionString: "mysql://u:p@h/db" },
              ],
            },
            d1: {},
          },
        }),
        "hyperdrive.jsonc",
      ),
      show,
    );
    expect(localDatabaseVars(config, undefined, {})).toEqual([
      "--var",
      "ORRERY_LOCAL_DATABASE_TOP:127.0.0.1:6543",
    ]);
    // Default ports; no credentials; a TLS database and one without a local string are left to wrangler.
    expect(localDatabaseVars(config, "postgres", {})).toEqual([
      "--var",
      "ORRERY_LOCAL_DATABASE_HYPERDRIVE_PG:db.local:5432",
    ]);
    expect(localDatabaseVars(config, "mysql", {})).toEqual([
      "--var",
      "ORRERY_LOCAL_DATABASE_HYPERDRIVE_MYSQL:h:3306",
    ]);
    // The variable wrangler reads wins over the file, as in wrangler.
    expect(
      localDatabaseVars(config, "postgres", {
        CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_NONE: "postgres://u:p@10.0.0.5:15432/db",
      }),
    ).toEqual([
      "--var",
      "ORRERY_LOCAL_DATABASE_HYPERDRIVE_PG:db.local:5432",
      "--var",
      "ORRERY_LOCAL_DATABASE_NONE:10.0.0.5:15432",
    ]);
    expect(localDatabaseVars(config, "d1", {})).toEqual([]);
    expect(() => localDatabaseVars(config, "staging", {})).toThrow(/no environment "staging"/);
  });
});
