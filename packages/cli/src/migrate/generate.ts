import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ExternalEngine, SchemaDefinition, schemaDdl, systemTablesDdl } from "@orrery/schema";
import { type CommandIo, UsageError } from "../command";
import { describePlan, type MigrationPlan, planMigration, planStatements } from "./diff";
import {
  downFile,
  engineFolder,
  formatSqlFile,
  type Journal,
  readJournal,
  readSnapshot,
  type Snapshot,
  sha256,
  upFile,
} from "./folder";
import { modelFromDdl, type SchemaModel } from "./model";

export interface SchemaDdl {
  readonly schemaDdl: typeof schemaDdl;
  readonly systemTablesDdl: typeof systemTablesDdl;
}

/** The `.global()` tables and the global system tables on `engine`, as a new database gets them. */
export function currentModel(
  schema: SchemaDefinition,
  ddl: SchemaDdl,
  engine: ExternalEngine,
  hasMigrations: boolean,
): SchemaModel {
  let statements: string[];
  try {
    statements = ddl.schemaDdl(schema, engine, { onlyGlobal: true });
  } catch (error) {
    throw new UsageError(`${engine}: ${(error as Error).message}`, 1);
  }
  // The system tables go with the first `.global()` table (and stay once there are migrations).
  if (statements.length > 0 || hasMigrations) statements.push(...ddl.systemTablesDdl(engine, "global"));
  return modelFromDdl(engine, statements);
}

interface EnginePlan {
  readonly engine: ExternalEngine;
  readonly folder: string;
  readonly journal: Journal;
  readonly plan: MigrationPlan;
  readonly current: SchemaModel;
}

function nextNumber(journal: Journal): number {
  const last = journal.migrations.at(-1)?.name;
  const n = last ? Number(/^(\d+)_/.exec(last)?.[1] ?? journal.migrations.length) : 0;
  return n + 1;
}

/** `orrery migrate generate`: writes the next up/down per engine; returns the exit code. */
export function generateMigrations(input: {
  schema: SchemaDefinition;
  ddl: SchemaDdl;
  root: string;
  engines: readonly ExternalEngine[];
  label: string | undefined;
  allowDataLoss: boolean;
  io: CommandIo;
  show: (file: string) => string;
}): number {
  const { io, show } = input;
  const plans: EnginePlan[] = input.engines.map((engine) => {
    const folder = engineFolder(input.root, engine);
    const journal = readJournal(folder, engine, show);
    const snapshot = readSnapshot(folder, engine, show);
    const previous: SchemaModel = snapshot ?? { engine, tables: {} };
    const current = currentModel(input.schema, input.ddl, engine, journal.migrations.length > 0);
    return { engine, folder, journal, current, plan: planMigration(previous, current) };
  });

  // The same finding on both engines is said once, naming both.
  const findings = (pick: (plan: MigrationPlan) => readonly string[]) => {
    const byText = new Map<string, ExternalEngine[]>();
    for (const { engine, plan } of plans)
      for (const text of pick(plan)) byText.set(text, [...(byText.get(text) ?? []), engine]);
    const all = plans.length > 1;
    return [...byText].map(([text, engines]) =>
      all && engines.length === plans.length ? `  - ${text}` : `  - ${text} (${engines.join(", ")})`,
    );
  };
  const refusals = findings((p) => p.refusals);
  if (refusals.length > 0) {
    io.err("Cannot write this migration:");
    for (const line of refusals) io.err(line);
    return 1;
  }
  const dataLoss = findings((p) => p.dataLoss);
  if (dataLoss.length > 0 && !input.allowDataLoss) {
    io.err("This migration would lose data:");
    for (const line of dataLoss) io.err(line);
    io.err("Nothing written. Run again with --allow-data-loss to write it anyway.");
    return 1;
  }

  const due = plans.filter((p) => p.plan.steps.length > 0);
  if (due.length === 0) {
    io.out(`No changes: the .global() tables match the last migration in ${show(input.root)}.`);
    return 0;
  }
  const label = input.label ?? describePlan(due[0]!.plan, due[0]!.journal.migrations.length === 0);
  for (const { engine, folder, journal, plan, current } of due) {
    const name = `${String(nextNumber(journal)).padStart(4, "0")}_${label}`;
    const { up, down } = planStatements(plan);
    const upText = formatSqlFile(up, [`${name} (${engine}): written by orrery migrate generate`]);
    const downText = formatSqlFile(down, [
      `${name} (${engine}), down: undoes the up file`,
      ...(plan.dataLoss.length > 0
        ? ["It re-creates what the up dropped, but not the data that was in it."]
        : []),
    ]);
    const nextJournal: Journal = {
      engine,
      migrations: [...journal.migrations, { name, checksum: sha256(upText) }],
    };
    const snapshot: Snapshot = { engine, migration: name, tables: current.tables };
    mkdirSync(folder, { recursive: true });
    writeFileSync(upFile(folder, name), upText);
    writeFileSync(downFile(folder, name), downText);
    writeFileSync(path.join(folder, "snapshot.json"), `${JSON.stringify(snapshot, null, 2)}\n`);
    writeFileSync(path.join(folder, "journal.json"), `${JSON.stringify(nextJournal, null, 2)}\n`);
    const count = `${up.length} statement${up.length === 1 ? "" : "s"}`;
    io.out(`wrote ${show(upFile(folder, name))} (${count})`);
    io.out(`wrote ${show(downFile(folder, name))}`);
    io.out(`updated ${show(path.join(folder, "journal.json"))}, ${show(path.join(folder, "snapshot.json"))}`);
  }
  for (const line of findings((p) => p.dataLoss)) io.err(`warning: data loss:${line.slice(3)}`);
  for (const line of findings((p) => p.notes)) io.err(`note:${line.slice(3)}`);
  return 0;
}
