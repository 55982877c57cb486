import { UsageError } from "../command";
import { dropStep } from "./drop-step";
import type { Snapshot } from "./snapshot";

/** The next migration: the snapshot after it and its SQL statements (none: the schema did not change). */
export interface MigrationPlan {
  readonly snapshot: Snapshot;
  readonly statements: string[];
  /** Set when removals and additions were generated as drop + create (drizzle-kit would have asked about renames). */
  readonly droppedNotRenamed?: { dropped: string[]; added: string[] };
}

// drizzle-kit validates snapshots with zod, whose message is a multi-line JSON dump.
function firstLine(error: unknown): string {
  const issue = (error as { issues?: { path: (string | number)[]; message: string }[] }).issues?.[0];
  if (issue) return `${issue.path.join(".")}: ${issue.message}`;
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

/**
 * Diffs the drizzle `tables` against the previous snapshot with drizzle-kit's programmatic API,
 * the same diff `drizzle-kit generate` runs. `previousName` names that snapshot in errors.
 */
export async function planMigration(
  previous: Snapshot,
  tables: Record<string, unknown>,
  previousName: string,
): Promise<MigrationPlan> {
  // Loaded here, not at the top: drizzle-kit's API is large and only `generate` needs it.
  const { generateSQLiteDrizzleJson, generateSQLiteMigration } = await import("drizzle-kit/api");
  const { version, dialect, id, prevId, ...rest } = await generateSQLiteDrizzleJson(tables, previous.id);
  // The key order and `_meta` (no renames) of the snapshots `drizzle-kit generate` writes.
  const snapshot = {
    version,
    dialect,
    id,
    prevId,
    ...rest,
    _meta: { schemas: {}, tables: {}, columns: {} },
  } as Snapshot;
  const diff = async (from: Snapshot, to: Snapshot) => {
    try {
      return await generateSQLiteMigration(from, to);
    } catch (error) {
      throw new UsageError(`drizzle-kit could not diff against ${previousName}: ${firstLine(error)}`, 1);
    }
  };
  const step = dropStep(previous, snapshot);
  if (!step) return { snapshot, statements: await diff(previous, snapshot) };
  return {
    snapshot,
    statements: [...(await diff(previous, step.snapshot)), ...(await diff(step.snapshot, snapshot))],
    droppedNotRenamed: { dropped: step.dropped, added: step.added },
  };
}
