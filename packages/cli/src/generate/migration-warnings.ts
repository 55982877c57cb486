import type { MigrationPlan } from "./plan-migration";
import type { Snapshot } from "./snapshot";

/**
 * What may go wrong when the migration runs, one line each: data dropped because a rename was
 * not detected, and required columns added to existing tables (SQLite refuses `ADD … NOT NULL`
 * without a default once the table has rows). `sqlFile` is how the lines name the SQL file.
 */
export function migrationWarnings(previous: Snapshot, plan: MigrationPlan, sqlFile: string): string[] {
  const warnings: string[] = [];
  if (plan.droppedNotRenamed) {
    const { dropped, added } = plan.droppedNotRenamed;
    warnings.push(
      `warning: drops ${dropped.join(", ")} and adds ${added.join(", ")}; renames are not detected, so the ` +
        `dropped data is lost (edit ${sqlFile} to rename instead)`,
    );
  }
  for (const [name, table] of Object.entries(plan.snapshot.tables)) {
    const before = previous.tables[name];
    if (!before) continue;
    for (const [column, spec] of Object.entries(table.columns)) {
      if (Object.hasOwn(before.columns, column) || !spec.notNull || spec.default !== undefined) continue;
      warnings.push(
        `warning: ${name}.${column} is required, so adding it fails on a table that has rows ` +
          `(SQLite needs a default for a NOT NULL column); make the field v.optional(...) or edit ${sqlFile}`,
      );
    }
  }
  return warnings;
}
