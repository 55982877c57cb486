import { describe, expect, it } from "vitest";
import { type GlobalMigrationsJournal, pendingMigrationMessage } from "../src/backends/hyperdrive";

const LABEL = 'Postgres (Hyperdrive binding "HYPERDRIVE_PG")';
const journal: GlobalMigrationsJournal = {
  engine: "postgres",
  migrations: [
    { name: "0001_init", checksum: "a".repeat(64) },
    { name: "0002_add_due_date", checksum: "b".repeat(64) },
  ],
};
const applied = (...entries: [string, string][]) => new Map(entries);

describe("pendingMigrationMessage: the database against the build's journal", () => {
  it("is satisfied when every migration is applied with its checksum, or more are applied than it lists", () => {
    const all = applied(["0001_init", "a".repeat(64)], ["0002_add_due_date", "b".repeat(64)]);
    expect(pendingMigrationMessage(LABEL, "postgres", journal, all)).toBeUndefined();
    all.set("0003_later", "c".repeat(64));
    expect(pendingMigrationMessage(LABEL, "postgres", journal, all)).toBeUndefined();
    expect(
      pendingMigrationMessage(LABEL, "postgres", { engine: "postgres", migrations: [] }, applied()),
    ).toBeUndefined();
  });

  it("names the database, where it is and the first pending migration", () => {
    expect(pendingMigrationMessage(LABEL, "postgres", journal, applied(["0001_init", "a".repeat(64)]))).toBe(
      `${LABEL} is at 0001_init; 0002_add_due_date is pending: run \`orrery migrate latest\` with DATABASE_URL set to this database`,
    );
    expect(pendingMigrationMessage(LABEL, "postgres", journal, applied())).toMatch(
      /^Postgres \(Hyperdrive binding "HYPERDRIVE_PG"\) has no migration applied; 0001_init is pending \(and 1 more after it\): run `orrery migrate latest`/,
    );
  });

  it("refuses a migration applied with another checksum, and a journal of the other engine", () => {
    expect(
      pendingMigrationMessage(LABEL, "postgres", journal, applied(["0001_init", "f".repeat(64)])),
    ).toContain(
      `0001_init applied with checksum ${"f".repeat(64)}, but this build's journal has ${"a".repeat(64)}`,
    );
    expect(pendingMigrationMessage(LABEL, "mysql", journal, applied())).toContain(
      "journal passed as `migrations` is for postgres",
    );
  });
});
