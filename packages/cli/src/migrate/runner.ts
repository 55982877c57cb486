import { existsSync, readFileSync } from "node:fs";
import type { CommandIo } from "../command";
import { UsageError } from "../command";
import { type AppliedMigration, type MigrationDatabase, StatementFailure } from "./database";
import { downFile, type JournalEntry, readJournal, sha256, splitStatements, upFile } from "./folder";

export type MigrateAction = "latest" | "up" | "down" | "list";

interface Context {
  readonly db: MigrationDatabase;
  /** `<globalMigrations>/<engine>/`. */
  readonly folder: string;
  readonly show: (file: string) => string;
  readonly io: CommandIo;
}

interface FolderMigration extends JournalEntry {
  /** The SHA-256 of the up file as it is now. */
  readonly fileChecksum: string;
  readonly up: string;
}

function readFolder({ db, folder, show }: Context): FolderMigration[] {
  const journal = readJournal(folder, db.engine, show);
  return journal.migrations.map((entry) => {
    const file = upFile(folder, entry.name);
    if (!existsSync(file))
      throw new UsageError(`${show(file)} is missing (${entry.name} is in ${show(folder)}/journal.json)`, 1);
    const up = readFileSync(file, "utf8");
    return { ...entry, up, fileChecksum: sha256(up) };
  });
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const iso = (ms: number) => new Date(ms).toISOString();

/** Refuses when an applied migration's up file changed since it ran. */
function checkApplied(
  ctx: Context,
  migrations: readonly FolderMigration[],
  applied: readonly AppliedMigration[],
) {
  const files = new Map(migrations.map((m) => [m.name, m]));
  for (const record of applied) {
    const migration = files.get(record.name);
    if (migration && migration.fileChecksum !== record.checksum) {
      throw new UsageError(
        `checksum mismatch: ${record.name} was applied on ${iso(record.appliedAt)} with sha256 ${record.checksum.slice(0, 12)}…, ` +
          `but ${ctx.show(upFile(ctx.folder, record.name))} now has ${migration.fileChecksum.slice(0, 12)}…; ` +
          "someone edited an applied migration (restore the file, or write a new migration for the change)",
        1,
      );
    }
  }
  const unknown = applied.filter((record) => !files.has(record.name));
  if (unknown.length > 0) {
    throw new UsageError(
      `the database has ${unknown.map((r) => r.name).join(", ")}, not in ${ctx.show(ctx.folder)}/journal.json ` +
        `(is this checkout behind the database?); see "orrery migrate list"`,
      1,
    );
  }
}

function describeFailure(
  ctx: Context,
  verb: "apply" | "revert",
  name: string,
  statements: readonly string[],
  failure: StatementFailure,
): UsageError {
  const { index } = failure;
  const reason = ((failure.error as Error)?.message ?? String(failure.error)).split("\n")[0];
  const lines = [
    `${name} failed at statement ${index + 1} of ${statements.length}: ${reason}`,
    `  failed: ${statements[index]!.replace(/\s*\n\s*/g, " ")}`,
  ];
  if (ctx.db.engine === "postgres") {
    lines.push(`  rolled back: nothing of ${name} was ${verb === "apply" ? "applied" : "reverted"}`);
  } else {
    if (index === 0) lines.push("  applied before the failure: none");
    else {
      lines.push("  applied before the failure (MySQL commits DDL at once; these stay):");
      for (const [i, s] of statements.slice(0, index).entries())
        lines.push(`    ${i + 1}. ${s.replace(/\s*\n\s*/g, " ")}`);
    }
    const rest = statements.length - index - 1;
    if (rest > 0) lines.push(`  not run: statements ${index + 2}..${statements.length}`);
    lines.push(
      verb === "apply"
        ? `  ${name} is not recorded as applied: undo those statements by hand, then run again (it starts from its first statement)`
        : `  ${name} stays recorded as applied: finish or undo those statements by hand`,
    );
  }
  return new UsageError(lines.join("\n"), 1);
}

async function apply(ctx: Context, migration: FolderMigration): Promise<void> {
  const statements = splitStatements(migration.up);
  ctx.io.out(`▶ applying ${migration.name} (${plural(statements.length, "statement")})`);
  const started = Date.now();
  try {
    await ctx.db.run("up", migration.name, migration.fileChecksum, statements);
  } catch (error) {
    if (error instanceof StatementFailure)
      throw describeFailure(ctx, "apply", migration.name, statements, error);
    throw error;
  }
  ctx.io.out(`✔ applied ${migration.name} (${Date.now() - started} ms)`);
}

async function revert(ctx: Context, migration: FolderMigration): Promise<void> {
  const file = downFile(ctx.folder, migration.name);
  if (!existsSync(file))
    throw new UsageError(`${ctx.show(file)} is missing; cannot revert ${migration.name}`, 1);
  const statements = splitStatements(readFileSync(file, "utf8"));
  ctx.io.out(`▶ reverting ${migration.name} (${plural(statements.length, "statement")})`);
  const started = Date.now();
  try {
    await ctx.db.run("down", migration.name, migration.fileChecksum, statements);
  } catch (error) {
    if (error instanceof StatementFailure)
      throw describeFailure(ctx, "revert", migration.name, statements, error);
    throw error;
  }
  ctx.io.out(`✔ reverted ${migration.name} (${Date.now() - started} ms)`);
}

function list(
  ctx: Context,
  migrations: readonly FolderMigration[],
  applied: readonly AppliedMigration[],
): number {
  const records = new Map(applied.map((r) => [r.name, r]));
  const width = Math.max(0, ...migrations.map((m) => m.name.length), ...applied.map((r) => r.name.length));
  ctx.io.out(`${ctx.db.label} · ${ctx.show(ctx.folder)}`);
  if (migrations.length === 0) ctx.io.out("  (no migrations in the folder)");
  for (const migration of migrations) {
    const record = records.get(migration.name);
    let state = "pending";
    if (record) {
      state = `applied  ${iso(record.appliedAt)}`;
      if (record.checksum !== migration.fileChecksum)
        state += "  (the file changed since: checksum mismatch)";
    }
    ctx.io.out(`  ${migration.name.padEnd(width)}  ${state}`);
  }
  const missing = applied.filter((r) => !migrations.some((m) => m.name === r.name));
  if (missing.length > 0) {
    ctx.io.out("In the database but missing from the folder:");
    for (const record of missing)
      ctx.io.out(`  ${record.name.padEnd(width)}  applied  ${iso(record.appliedAt)}`);
  }
  const pending = migrations.filter((m) => !records.has(m.name)).length;
  ctx.io.out(`${plural(migrations.length - pending, "applied migration")}, ${pending} pending.`);
  return 0;
}

/** Runs one action against the database; returns the exit code. */
export async function runMigrateAction(action: MigrateAction, ctx: Context): Promise<number> {
  const migrations = readFolder(ctx);
  if (action === "list") return list(ctx, migrations, await ctx.db.applied());
  if (migrations.length === 0 && action !== "down") {
    throw new UsageError(`no migrations in ${ctx.show(ctx.folder)} (run "orrery migrate generate" first)`, 1);
  }
  await ctx.db.lock();
  try {
    const applied = await ctx.db.applied();
    checkApplied(ctx, migrations, applied);
    const done = new Set(applied.map((r) => r.name));
    if (action === "down") {
      const last = [...migrations].reverse().find((m) => done.has(m.name));
      if (!last) {
        ctx.io.out("Nothing to revert: no migration is applied.");
        return 0;
      }
      await revert(ctx, last);
      return 0;
    }
    const pending = migrations.filter((m) => !done.has(m.name));
    if (pending.length === 0) {
      ctx.io.out(`Nothing to apply: all ${plural(migrations.length, "migration")} are applied.`);
      return 0;
    }
    const toRun = action === "up" ? pending.slice(0, 1) : pending;
    // The worker checks applied migrations against journal.json: a file that differs from its
    // journal entry would be recorded with a checksum the worker then refuses forever.
    const edited = toRun.find((m) => m.checksum !== m.fileChecksum);
    if (edited) {
      throw new UsageError(
        `${ctx.show(upFile(ctx.folder, edited.name))} was edited after it was generated: its sha256 is ${edited.fileChecksum}, journal.json says ${edited.checksum}. Put the new checksum in journal.json (the worker checks against it), then run again.`,
        1,
      );
    }
    for (const migration of toRun) await apply(ctx, migration);
    const left = pending.length - toRun.length;
    ctx.io.out(
      left === 0
        ? `Up to date: ${plural(migrations.length, "migration")} applied.`
        : `Applied ${toRun.length}; ${left} pending.`,
    );
    return 0;
  } finally {
    await ctx.db.unlock();
  }
}
