import type { SchemaDefinition } from "./schema";
import { sha256 } from "./sha256";
import type { DocOf, Id, TableNamesOf, WithoutSystemFields } from "./types";

/** A value a seed's natural key may hold: a scalar that identifies the row. */
export type SeedKeyValue = string | number | bigint | boolean;

/** A seeded row of table `T`: its fields, without `_id`, `_creationTime` or `_version`. */
export type SeedRow<S extends SchemaDefinition, T extends TableNamesOf<S>> = WithoutSystemFields<DocOf<S, T>>;

/** The rows of one table, or a function that returns (or yields) them, sync or async. */
export type SeedRows<Row> =
  | readonly Row[]
  | (() => Iterable<Row> | AsyncIterable<Row> | Promise<Iterable<Row> | AsyncIterable<Row>>);

/** One table's seed: the fields that identify a row (its natural key) and the rows. */
export interface TableSeed<Row, Field extends string = string> {
  /** The natural key: the fields whose values name a row, e.g. `["email"]`. */
  readonly key: readonly [Field, ...Field[]];
  readonly rows: SeedRows<Row>;
}

type FieldOf<S extends SchemaDefinition, T extends TableNamesOf<S>> = keyof SeedRow<S, T> & string;

/** A seed's tables, each optional, typed by the schema. */
export type SeedTables<S extends SchemaDefinition> = {
  readonly [T in TableNamesOf<S>]?: TableSeed<SeedRow<S, T>, FieldOf<S, T>>;
};

/** What a seed file's default export is: `export default defineSeed(schema, { tables })`. */
export interface SeedDefinition<S extends SchemaDefinition = SchemaDefinition> {
  readonly kind: "orrery-seed";
  /** Seeded in this order (list referenced tables first). */
  readonly tables: SeedTables<S>;
}

/**
 * Declares the rows `orrery seed` upserts, typed by the schema (table names, row shapes, key
 * fields). Each row's `_id` is {@link seedId} of its table and key values, so running the seed
 * again updates the same rows in place:
 *
 * ```ts
 * export default defineSeed(schema, {
 *   tables: {
 *     users: { key: ["email"], rows: [{ email: "ada@example.com", name: "Ada" }] },
 *     posts: {
 *       key: ["slug"],
 *       rows: () => [{ slug: "hello", author: seedId("users", { email: "ada@example.com" }) }],
 *     },
 *   },
 * });
 * ```
 */
export function defineSeed<S extends SchemaDefinition>(
  _schema: S,
  seed: { readonly tables: SeedTables<S> },
): SeedDefinition<S> {
  return Object.freeze({ kind: "orrery-seed", tables: seed.tables });
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * The stable `_id` of a seeded row: the first 128 bits of SHA-256 over the table name and the
 * natural key's fields and values (sorted by field name, bigints tagged so `1n` and `1` differ),
 * written as 26 Crockford base32 characters like a ULID, so it passes `v.id` checks. The same
 * table and key always give the same id, on every machine and every run.
 */
export function seedId<T extends string>(table: T, key: Readonly<Record<string, SeedKeyValue>>): Id<T> {
  const fields = Object.keys(key).sort();
  if (fields.length === 0) throw new Error(`seedId("${table}", …): the key has no fields`);
  const entries = fields.map((field) => {
    const value = key[field];
    switch (typeof value) {
      case "bigint":
        return [field, { $int64: value.toString() }];
      case "string":
      case "boolean":
        return [field, value];
      case "number":
        if (Number.isFinite(value)) return [field, Object.is(value, -0) ? 0 : value];
        break;
    }
    throw new Error(
      `seedId("${table}", …): key field "${field}" must be a string, number, bigint or boolean, got ${value === null ? "null" : typeof value}`,
    );
  });
  const digest = sha256(new TextEncoder().encode(`orrery-seed-id:v1\n${JSON.stringify([table, entries])}`));
  let bits = 0n;
  for (const byte of digest.subarray(0, 16)) bits = (bits << 8n) | BigInt(byte);
  let id = "";
  for (let i = 0; i < 26; i++) {
    id = CROCKFORD[Number(bits & 31n)] + id;
    bits >>= 5n;
  }
  return id as Id<T>;
}
