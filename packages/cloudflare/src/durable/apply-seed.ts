import { fromWire, OrreryError, type WireValue } from "@orrery/protocol";
import { encodeDocument, isDocumentId, type SchemaDefinition, type TableNamesOf } from "@orrery/schema";
import type { DatabaseWriter, Store } from "@orrery/store";
import { insertWithId } from "@orrery/store/seeding";

/** What one table's seed did: rows added, rows changed (their `_version` raised), rows already so. */
export type SeedTableCounts = {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
};

export interface SeedOutcome {
  readonly tables: Record<string, SeedTableCounts>;
  /** The commit version after the seed (unchanged when nothing changed). */
  readonly commitVersion: number;
}

interface SeedTableInput {
  readonly name: string;
  readonly rows: readonly { id: string; fields: Record<string, unknown> }[];
}

const invalid = (message: string) => new OrreryError("INVALID_ARGUMENT", `seed: ${message}`);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Reads `{ tables: { <name>: { rows: [{ _id, ...fields }] } } }` (wire-encoded values) and checks its shape. */
function parseSeed<S extends SchemaDefinition>(store: Store<S>, body: WireValue): SeedTableInput[] {
  const decoded = fromWire(body);
  if (!isObject(decoded) || !isObject(decoded.tables))
    throw invalid('the body must be { "tables": { <table>: { "rows": [...] } } }');
  return Object.entries(decoded.tables).map(([name, table]) => {
    if (!Object.hasOwn(store.schema.schema.tables, name))
      throw invalid(`no table "${name}" in the app's schema`);
    if (!isObject(table) || !Array.isArray(table.rows)) throw invalid(`tables.${name}.rows must be an array`);
    const rows = table.rows.map((row: unknown, index: number) => {
      if (!isObject(row) || !isDocumentId(row._id))
        throw invalid(`${name}[${index}]: each row needs the seeded "_id" (a 26-character document id)`);
      const { _id, ...fields } = row;
      return { id: _id as string, fields };
    });
    return { name, rows };
  });
}

/** True when the stored document already has exactly these field values (compared as stored). */
function sameFields<S extends SchemaDefinition>(
  store: Store<S>,
  table: string,
  stored: Record<string, unknown>,
  fields: Record<string, unknown>,
): boolean {
  const definition = store.schema.table(table).definition;
  const { _id, _creationTime, _version, ...storedFields } = stored;
  // A key the table does not have (a system field, a typo) is not "unchanged": `replace` then
  // refuses it with the validator's message, as it would any write.
  if (!Object.keys(fields).every((key) => Object.hasOwn(definition.fields, key))) return false;
  try {
    const left = encodeDocument(definition, storedFields, "sqlite");
    const right = encodeDocument(definition, fields, "sqlite");
    return Object.keys(left).every((column) => sameValue(left[column], right[column]));
  } catch {
    // Fields that do not even encode differ; `replace` reports what is wrong with them.
    return false;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array)
    return a.length === b.length && a.every((byte, i) => byte === b[i]);
  return a === b;
}

/**
 * Upserts seeded rows by their stable `_id`, all in one mutation (so live queries see it and a
 * bad row leaves nothing written): a missing row is inserted under its `_id`, a row whose fields
 * differ is replaced (`_version` raised, `_creationTime` kept), an identical row is left alone.
 * Rows are checked like any write: the table's validator and the ids they reference.
 */
export async function applySeed<S extends SchemaDefinition>(
  store: Store<S>,
  body: WireValue,
): Promise<SeedOutcome> {
  const tables = parseSeed(store, body);
  const outcome = await store.mutate(async (db: DatabaseWriter<S>) => {
    const counts: Record<string, SeedTableCounts> = {};
    for (const { name, rows } of tables) {
      const table = name as TableNamesOf<S>;
      let inserted = 0;
      let updated = 0;
      let unchanged = 0;
      for (const { id, fields } of rows) {
        const stored = (await db.get(table, id as never)) as Record<string, unknown> | null;
        if (!stored) {
          await insertWithId(db, table, id, fields);
          inserted++;
        } else if (sameFields(store, name, stored, fields)) {
          unchanged++;
        } else {
          await db.replace(table, id as never, fields as never);
          updated++;
        }
      }
      counts[name] = { inserted, updated, unchanged };
    }
    return counts;
  });
  return { tables: outcome.value, commitVersion: outcome.commitVersion };
}
