import { OrreryError } from "@orrery/protocol";
import {
  argsValidator,
  assertValid,
  type DocOf,
  type Id,
  type IndexNamesOf,
  isDocumentId,
  newDocumentId,
  type ObjectValidator,
  type SchemaDefinition,
  type TableNamesOf,
  type WithoutSystemFields,
} from "@orrery/schema";
import type { ReadRange } from "../reactivity/read-write-sets";
import type { Doc } from "./document";
import type { PendingWrites } from "./pending-writes";
import { type QueryInitializer, TableQuery } from "./query";
import { collectIdReferences } from "./references";
import { JOBS_TABLE, type SystemSchema } from "./system-schema";
import { BY_ID, type TableInfo } from "./table-info";
import type { TableReader } from "./table-reader";

/** Reads of one schema's tables. */
export interface TableReaderOf<S extends SchemaDefinition> {
  /** The document with this id in `table`, or null. Ids are plain ULIDs, so the table is named. */
  get<T extends TableNamesOf<S>>(table: T, id: Id<T>): Promise<DocOf<S, T> | null>;
  query<T extends TableNamesOf<S>>(table: T): QueryInitializer<DocOf<S, T>, IndexNamesOf<S, T>>;
}

export interface DatabaseReader<S extends SchemaDefinition> extends TableReaderOf<S> {
  /**
   * The store's own tables, read like the app's (and live in a query): `_orrery_jobs`, the
   * scheduler's jobs. Only the store writes them.
   */
  readonly system: TableReaderOf<SystemSchema>;
}

export interface DatabaseWriter<S extends SchemaDefinition> extends DatabaseReader<S> {
  insert<T extends TableNamesOf<S>>(table: T, value: WithoutSystemFields<DocOf<S, T>>): Promise<Id<T>>;
  /** Shallow merge; a field set to `undefined` is removed. */
  patch<T extends TableNamesOf<S>>(
    table: T,
    id: Id<T>,
    value: Partial<WithoutSystemFields<DocOf<S, T>>>,
  ): Promise<void>;
  replace<T extends TableNamesOf<S>>(
    table: T,
    id: Id<T>,
    value: WithoutSystemFields<DocOf<S, T>>,
  ): Promise<void>;
  delete<T extends TableNamesOf<S>>(table: T, id: Id<T>): Promise<void>;
}

const SYSTEM_FIELD = /^_/;

const INSERT_WITH_ID = Symbol("insertWithId");
const SYSTEM_ACCESS = Symbol("systemAccess");

export class Database<S extends SchemaDefinition> implements DatabaseWriter<S> {
  private readonly validators = new Map<string, ObjectValidator>();

  constructor(
    private readonly reader: TableReader,
    private readonly readLog: ReadRange[],
    private readonly pending: PendingWrites | null,
    private readonly now: () => number,
    /** Whether this db may write the store's own tables (the scheduler's view, never a function's). */
    private readonly systemWrites = false,
  ) {}

  get system(): TableReaderOf<SystemSchema> {
    const table = (name: string) => {
      const info = this.reader.schema.table(name);
      if (!info.isSystem) {
        throw new OrreryError(
          "INVALID_ARGUMENT",
          `db.system reads the store's own tables (${JOBS_TABLE}); "${name}" is an app table: use db.query`,
        );
      }
      return name as never;
    };
    return {
      get: (name, id) => this.get(table(name), id as never) as never,
      query: (name) => this.query(table(name)) as never,
    };
  }

  /** The same attempt, allowed to write the store's own tables; see {@link systemWriter}. */
  [SYSTEM_ACCESS](): Database<SystemSchema> {
    return new Database<SystemSchema>(this.reader, this.readLog, this.pending, this.now, true);
  }

  async get<T extends TableNamesOf<S>>(tableName: T, id: Id<T>): Promise<DocOf<S, T> | null> {
    const table = this.reader.schema.table(tableName);
    if (!isDocumentId(id)) {
      throw new OrreryError(
        "INVALID_ARGUMENT",
        `get("${tableName}", ...): ${JSON.stringify(id)} is not a document id`,
      );
    }
    this.readLog.push({
      table: table.name,
      index: BY_ID,
      range: { lower: { key: [id], inclusive: true }, upper: { key: [id], inclusive: true } },
    });
    return (await this.reader.get(table, id)) as DocOf<S, T> | null;
  }

  query<T extends TableNamesOf<S>>(tableName: T): QueryInitializer<DocOf<S, T>, IndexNamesOf<S, T>> {
    return new TableQuery<DocOf<S, T>>(this.reader, this.reader.schema.table(tableName), this.readLog);
  }

  async insert<T extends TableNamesOf<S>>(
    tableName: T,
    value: WithoutSystemFields<DocOf<S, T>>,
  ): Promise<Id<T>> {
    const table = this.writableTable(tableName, "insert");
    const fields = await this.checkFields(table, value as Record<string, unknown>, `${tableName}`);
    const doc: Doc = { ...fields, _id: newDocumentId(), _creationTime: this.now(), _version: 1 };
    this.pending!.record(table.name, doc._id, null, doc);
    return doc._id as Id<T>;
  }

  /**
   * An insert under an id the caller chose (a seeded row's stable id). Keyed by a symbol this
   * module keeps, so a function's `ctx.db` does not offer it: only {@link insertWithId} (the
   * `@orrery/store/seeding` entry point the admin seed route imports) reaches it.
   */
  async [INSERT_WITH_ID](tableName: string, id: string, value: Record<string, unknown>): Promise<void> {
    const table = this.writableTable(tableName, "insert");
    if (!isDocumentId(id)) {
      throw new OrreryError(
        "INVALID_ARGUMENT",
        `insert ${tableName}: ${JSON.stringify(id)} is not a document id`,
      );
    }
    const pending = this.pending!.get(table.name, id);
    const original = pending ? pending.original : await this.reader.getSnapshot(table, id);
    if (pending ? pending.current : original) {
      throw new OrreryError("CONFLICT", `insert ${tableName}: a document with id "${id}" already exists`);
    }
    const fields = await this.checkFields(table, value, tableName);
    const doc: Doc = {
      ...fields,
      _id: id,
      _creationTime: this.now(),
      _version: original ? original._version + 1 : 1,
    };
    this.pending!.record(table.name, id, original, doc);
  }

  async patch<T extends TableNamesOf<S>>(
    tableName: T,
    id: Id<T>,
    value: Partial<WithoutSystemFields<DocOf<S, T>>>,
  ): Promise<void> {
    const table = this.writableTable(tableName, "patch");
    const { original, current } = await this.loadForWrite(table, id, "patch");
    const merged: Record<string, unknown> = { ...fieldsOf(current) };
    for (const [key, fieldValue] of Object.entries(value as Record<string, unknown>)) {
      if (SYSTEM_FIELD.test(key))
        throw new OrreryError(
          "INVALID_ARGUMENT",
          `patch ${tableName}.${key}: system fields cannot be changed`,
        );
      if (fieldValue === undefined) delete merged[key];
      else merged[key] = fieldValue;
    }
    const fields = await this.checkFields(table, merged, tableName);
    this.pending!.record(table.name, id, original, { ...fields, ...systemFieldsOf(current, original) });
  }

  async replace<T extends TableNamesOf<S>>(
    tableName: T,
    id: Id<T>,
    value: WithoutSystemFields<DocOf<S, T>>,
  ): Promise<void> {
    const table = this.writableTable(tableName, "replace");
    const { original, current } = await this.loadForWrite(table, id, "replace");
    const fields = await this.checkFields(table, value as Record<string, unknown>, tableName);
    this.pending!.record(table.name, id, original, { ...fields, ...systemFieldsOf(current, original) });
  }

  async delete<T extends TableNamesOf<S>>(tableName: T, id: Id<T>): Promise<void> {
    const table = this.writableTable(tableName, "delete");
    const { original } = await this.loadForWrite(table, id, "delete");
    this.pending!.record(table.name, id, original, null);
  }

  private writableTable(tableName: string, operation: string): TableInfo {
    if (!this.pending) {
      throw new OrreryError("FORBIDDEN", `${operation}: queries are read-only; write from a mutation`);
    }
    const table = this.reader.schema.table(tableName);
    if (table.isSystem !== this.systemWrites) {
      throw new OrreryError(
        "FORBIDDEN",
        table.isSystem
          ? `${operation} ${tableName}: the store's own table is written by the store (schedule and cancel jobs with ctx.scheduler)`
          : `${operation} ${tableName}: not a system table`,
      );
    }
    return table;
  }

  private async loadForWrite(
    table: TableInfo,
    id: string,
    operation: string,
  ): Promise<{ original: Doc | null; current: Doc }> {
    if (!isDocumentId(id)) {
      throw new OrreryError(
        "INVALID_ARGUMENT",
        `${operation} ${table.name}: ${JSON.stringify(id)} is not a document id`,
      );
    }
    const pending = this.pending!.get(table.name, id);
    const original = pending ? pending.original : await this.reader.getSnapshot(table, id);
    const current = pending ? pending.current : original;
    if (!current) {
      throw new OrreryError("NOT_FOUND", `${operation} ${table.name}: no document with id "${id}"`);
    }
    return { original, current };
  }

  /** Validates the fields against the table and checks every id they reference exists. */
  private async checkFields(
    table: TableInfo,
    value: Record<string, unknown>,
    path: string,
  ): Promise<Record<string, unknown>> {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new OrreryError("INVALID_ARGUMENT", `${path}: expected an object of fields`);
    }
    for (const key of Object.keys(value)) {
      if (SYSTEM_FIELD.test(key))
        throw new OrreryError("INVALID_ARGUMENT", `${path}.${key}: system fields are set by the store`);
    }
    const fields = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
    const validator = this.validatorFor(table);
    assertValid(validator, fields, path);
    for (const reference of collectIdReferences(validator, fields, path)) {
      const target = this.reader.schema.table(reference.table);
      if (!(await this.reader.get(target, reference.id))) {
        throw new OrreryError(
          "INVALID_REFERENCE",
          `${reference.path}: no document in "${reference.table}" with id "${reference.id}"`,
        );
      }
    }
    return fields;
  }

  private validatorFor(table: TableInfo): ObjectValidator {
    let validator = this.validators.get(table.name);
    if (!validator) {
      validator = argsValidator(table.definition.fields);
      this.validators.set(table.name, validator);
    }
    return validator;
  }
}

/**
 * The mutation's db, allowed to write the store's own document tables (and only those) in the
 * same attempt, so a job the scheduler writes commits with the mutation's own writes.
 */
export function systemWriter(db: DatabaseWriter<SchemaDefinition>): DatabaseWriter<SystemSchema> {
  if (!(db instanceof Database)) throw new Error("systemWriter needs the db of a store mutation");
  return db[SYSTEM_ACCESS]();
}

/**
 * Inserts `value` into `table` under the given `id` inside a mutation (`store.mutate(db => …)`).
 * For the admin seed route, whose rows carry stable ids; app code uses `db.insert`.
 */
export function insertWithId<S extends SchemaDefinition>(
  db: DatabaseWriter<S>,
  table: TableNamesOf<S>,
  id: string,
  value: Record<string, unknown>,
): Promise<void> {
  if (!(db instanceof Database)) throw new Error("insertWithId needs the db of a store mutation");
  return db[INSERT_WITH_ID](table, id, value);
}

function fieldsOf(doc: Doc): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !SYSTEM_FIELD.test(key)));
}

/** A write bumps `_version` once per commit, however often the mutation touched the document. */
function systemFieldsOf(current: Doc, original: Doc | null) {
  return {
    _id: current._id,
    _creationTime: current._creationTime,
    _version: original ? original._version + 1 : 1,
  };
}
