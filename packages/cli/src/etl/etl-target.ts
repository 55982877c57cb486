import {
  NAMESPACE_COLUMN,
  type SchemaDefinition,
  type SqlValue,
  SYSTEM_TABLES,
  systemTablesDdl,
} from "@orrery/schema";
import type { SqlExec, SqlRow } from "@orrery/store";
import { UsageError } from "../command";
import type { DatabaseUrl } from "../database-url";
import { describeDatabaseError, openExec } from "../seed/sql-target";
import { carryStatements, OUTBOX_TABLE } from "./carry-outbox";
import { EtlProblems } from "./etl-problems";
import type { IdMap } from "./id-map";
import type { EtlPlan } from "./plan-etl";
import type { TablePlan } from "./plan-table";
import { describeTargetTable, shapeDifferences } from "./target-shape";
import { insertIdMap, upsertRows } from "./upsert-sql";

const MAP = SYSTEM_TABLES.etlIds;
const MAP_PAGE = 10_000;

const fail = (message: string) => new UsageError(message, 1);

/** A reference field of a loaded table whose rows must all point at a row of `parent`. */
export interface ReferenceCheck {
  readonly table: string;
  readonly field: string;
  readonly parent: string;
}

/** The Postgres/MySQL database `orrery etl` loads, for one namespace. */
export class EtlTarget {
  private constructor(
    readonly url: DatabaseUrl,
    private readonly exec: SqlExec,
    private readonly closeExec: () => Promise<void>,
    readonly namespace: string,
  ) {}

  /** Connects; an unreachable server or refused credentials is one line naming host and port. */
  static async open(url: DatabaseUrl, namespace: string): Promise<EtlTarget> {
    if (url.engine === "mysql" && !url.database)
      throw new UsageError("the MySQL URL names no database (mysql://user:password@host:port/<database>)");
    try {
      const { exec, close } = await openExec(url);
      return new EtlTarget(url, exec, close, namespace);
    } catch (error) {
      throw fail(describeDatabaseError(error, url));
    }
  }

  get engine() {
    return this.url.engine;
  }

  private q(name: string): string {
    return this.exec.dialect.quote(name);
  }

  private p(index: number): string {
    return this.exec.dialect.placeholder(index);
  }

  private async run(sql: string, params: SqlValue[] = []): Promise<SqlRow[]> {
    try {
      return (await this.exec.run({ sql, params })).rows;
    } catch (error) {
      throw fail(describeDatabaseError(error, this.url));
    }
  }

  /**
   * Checks, before anything is written, that every table the plan loads exists with the
   * schema's columns, and that none holds rows of the namespace etl did not load.
   */
  async checkTables(
    plan: EtlPlan,
    mapExists: boolean,
    options: { foreignRows: boolean } = { foreignRows: true },
  ): Promise<void> {
    const problems: string[] = [];
    for (const table of plan.tables) {
      const columns = await this.columnsOf(table.targetTable);
      if (columns.length === 0) {
        problems.push(
          `table "${table.targetTable}" does not exist: run "orrery migrate latest" against this database first`,
        );
        continue;
      }
      const differences = shapeDifferences(table.definition, this.engine, columns);
      if (differences.length > 0) {
        problems.push(
          `table "${table.targetTable}" differs from the schema (${differences.join("; ")}): run "orrery migrate generate" and "orrery migrate latest"`,
        );
        continue;
      }
      if (!options.foreignRows) continue;
      const rows = await this.countRows(table.targetTable);
      const loaded = mapExists ? await this.countMapped(table.source.name) : 0;
      if (rows > loaded)
        problems.push(
          `table "${table.targetTable}" has ${rows - loaded} rows in namespace "${this.namespace}" that orrery etl did not load: etl fills empty tables (or those it filled before); delete those rows or use another namespace`,
        );
    }
    if (problems.length > 0) throw new EtlProblems(`${this.url.display}: not ready for orrery etl`, problems);
  }

  /** Whether the id map table exists yet (a first run makes it). */
  async hasIdMap(): Promise<boolean> {
    return this.hasTable(MAP.name);
  }

  async createIdMap(): Promise<void> {
    for (const sql of systemTablesDdl(this.engine, "etl")) await this.run(sql);
  }

  /** Copies the namespace's id map entries of these source tables into `ids`, a page at a time. */
  async loadIdMap(ids: IdMap, sourceTables: readonly string[]): Promise<number> {
    const c = MAP.columns;
    let total = 0;
    for (const sourceTable of sourceTables) {
      let after = "";
      for (;;) {
        const rows = await this.run(
          `SELECT ${this.q(c.sourceId)} AS s, ${this.q(c.docId)} AS d FROM ${this.q(MAP.name)} WHERE ${this.q(c.namespace)} = ${this.p(1)} AND ${this.q(c.sourceTable)} = ${this.p(2)} AND ${this.q(c.sourceId)} > ${this.p(3)} ORDER BY ${this.q(c.sourceId)} LIMIT ${MAP_PAGE}`,
          [this.namespace, sourceTable, after],
        );
        if (rows.length === 0) break;
        ids.add(
          sourceTable,
          rows.map((r) => [String(r.s), String(r.d)] as const),
          false,
        );
        total += rows.length;
        after = String(rows[rows.length - 1]!.s);
      }
    }
    return total;
  }

  async countRows(table: string): Promise<number> {
    const rows = await this.run(
      `SELECT COUNT(*) AS n FROM ${this.q(table)} WHERE ${this.q(NAMESPACE_COLUMN)} = ${this.p(1)}`,
      [this.namespace],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async countMapped(sourceTable: string): Promise<number> {
    const c = MAP.columns;
    const rows = await this.run(
      `SELECT COUNT(*) AS n FROM ${this.q(MAP.name)} WHERE ${this.q(c.namespace)} = ${this.p(1)} AND ${this.q(c.sourceTable)} = ${this.p(2)}`,
      [this.namespace, sourceTable],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Writes one chunk in one transaction: its rows (upserted by `_id`) and the id map entries
   * minted for them, so after a crash a chunk is either all there or not at all.
   */
  async writeChunk(
    table: TablePlan,
    rows: readonly (readonly SqlValue[])[],
    minted: readonly (readonly [sourceId: string, docId: string])[],
  ): Promise<void> {
    const dialect = this.exec.dialect;
    const statements = [
      upsertRows(
        dialect,
        table.targetTable,
        table.fields.map((f) => ({ name: f.field, codec: f.codec })),
        rows,
      ),
    ];
    if (minted.length > 0)
      statements.push(insertIdMap(dialect, this.namespace, table.source.name, table.targetTable, minted));
    try {
      await this.exec.batch(statements);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if ((code === "23505" || code === "ER_DUP_ENTRY") && minted.length > 0)
        throw fail(
          `table "${table.targetTable}": the id map already has ids for rows of ${table.source.name} this run minted: another orrery etl is loading namespace "${this.namespace}" at the same time (run one at a time)`,
        );
      throw fail(
        `table "${table.targetTable}": ${describeDatabaseError(error, this.url)}; this chunk was not written`,
      );
    }
  }

  /** The table exists (in the schema the search path finds, on Postgres). */
  async hasTable(name: string): Promise<boolean> {
    return (await this.columnsOf(name)).length > 0;
  }

  /** A table's columns (none: it does not exist); a failure is one line naming the server. */
  private columnsOf(table: string) {
    return describeTargetTable(this.exec, table).catch((error: unknown) => {
      throw fail(describeDatabaseError(error, this.url));
    });
  }

  /** Carries the source's unsent outbox messages (see `carry-outbox.ts`), all in one transaction. */
  async carryMessages(messages: readonly SqlValue[][]): Promise<void> {
    if (messages.length === 0) return;
    try {
      await this.exec.batch(carryStatements(this.exec.dialect, messages));
    } catch (error) {
      throw fail(`${OUTBOX_TABLE}: ${describeDatabaseError(error, this.url)}; no message was carried`);
    }
  }

  /** The namespace's rows of a table in `_id` order, `limit` after `afterId`. */
  async readRows(
    table: string,
    columns: readonly string[],
    afterId: string,
    limit: number,
  ): Promise<SqlRow[]> {
    const q = (name: string) => this.q(name);
    return this.run(
      `SELECT ${columns.map(q).join(", ")} FROM ${q(table)} WHERE ${q(NAMESPACE_COLUMN)} = ${this.p(1)} AND ${q("_id")} > ${this.p(2)} ORDER BY ${q("_id")} LIMIT ${limit}`,
      [this.namespace, afterId],
    );
  }

  /** Rows whose reference field names no row of its table (up to `sample` of them, and how many). */
  async danglingReferences(
    check: ReferenceCheck,
    sample: number,
  ): Promise<{ count: number; rows: SqlRow[] }> {
    const q = (name: string) => this.q(name);
    const where = `c.${q(NAMESPACE_COLUMN)} = ${this.p(1)} AND c.${q(check.field)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${q(check.parent)} p WHERE p.${q(NAMESPACE_COLUMN)} = c.${q(NAMESPACE_COLUMN)} AND p.${q("_id")} = c.${q(check.field)})`;
    const from = `FROM ${q(check.table)} c WHERE ${where}`;
    const [count] = await this.run(`SELECT COUNT(*) AS n ${from}`, [this.namespace]);
    const rows =
      sample > 0
        ? await this.run(
            `SELECT c.${q("_id")} AS id, c.${q(check.field)} AS ref ${from} ORDER BY c.${q("_id")} LIMIT ${sample}`,
            [this.namespace],
          )
        : [];
    return { count: Number(count?.n ?? 0), rows };
  }

  /** Every id field of the loaded tables that points at a `.global()` table (those the target holds). */
  static referenceChecks(plan: EtlPlan, schema: SchemaDefinition): ReferenceCheck[] {
    return plan.tables.flatMap((table) =>
      table.fields.flatMap((field) => {
        const parent =
          field.validator.kind === "id" ? (field.validator as { tableName?: string }).tableName : undefined;
        return parent !== undefined && schema.tables[parent]?.isGlobal
          ? [{ table: table.targetTable, field: field.field, parent }]
          : [];
      }),
    );
  }

  async close(): Promise<void> {
    await this.closeExec().catch(() => undefined);
  }
}
