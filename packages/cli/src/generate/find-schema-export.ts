import type { SchemaDefinition } from "@orrery/schema";
import { UsageError } from "../command";

// `defineSchema` returns a frozen `{ tables }` whose values are `defineTable` results; checking
// that shape (not class identity) also accepts a schema built by another copy of @orrery/schema.
function isTableDefinition(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const table = value as Record<string, unknown>;
  return (
    typeof table.fields === "object" &&
    table.fields !== null &&
    Array.isArray(table.indexes) &&
    typeof table.isGlobal === "boolean"
  );
}

/** Whether `value` is what `defineSchema(...)` returns. */
export function isSchemaDefinition(value: unknown): value is SchemaDefinition {
  if (typeof value !== "object" || value === null) return false;
  const tables = (value as { tables?: unknown }).tables;
  if (typeof tables !== "object" || tables === null || Array.isArray(tables)) return false;
  return Object.values(tables).every(isTableDefinition);
}

/**
 * The one schema a module exports (usually `export const schema` or `export default`; the same
 * object exported under both names counts once). `file` names the module in errors.
 */
export function findSchemaExport(moduleExports: Record<string, unknown>, file: string): SchemaDefinition {
  const found = new Map<SchemaDefinition, string[]>();
  for (const [name, value] of Object.entries(moduleExports)) {
    if (!isSchemaDefinition(value)) continue;
    found.set(value, [...(found.get(value) ?? []), name]);
  }
  if (found.size === 0) {
    throw new UsageError(
      `${file} exports no schema (expected \`export const schema = defineSchema({...})\` or \`export default\`)`,
      1,
    );
  }
  if (found.size > 1) {
    const names = [...found.values()].map((n) => n.join("/")).join(", ");
    throw new UsageError(`${file} exports several schemas (${names}); export exactly one`, 1);
  }
  return [...found.keys()][0]!;
}
