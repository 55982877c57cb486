import { type BatchStatement, GuardFailedError, type SqlStatement } from "@orrery/store";

const WRITE_TARGET = /^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+("(?:[^"]|"")+"|[A-Za-z_][\w.]*)/i;
const RETURNING = /\bRETURNING\b/i;
const PLACEHOLDER = /\$(\d+)/g;
const MISSED_GUARD = /orrery guard (\d+) missed: (\d+)/;

/**
 * A Postgres batch as one statement: each write a data-modifying CTE, the counts read back,
 * and a guard that misses raising an error, so the whole statement (and with it every write)
 * is undone. One statement is one transaction and one round trip, where BEGIN, the statements
 * and COMMIT take three or more.
 *
 * The writes of a statement's CTEs all see the snapshot it started with, not each other's
 * rows, so this is only used where that cannot matter: at most one write per table (a
 * commit's document write beside its marker and outbox rows). Anything else, and any
 * statement that returns rows, returns null: the caller runs a transaction instead.
 */
export function asSingleStatement(statements: readonly BatchStatement[]): SqlStatement | null {
  let shape = "";
  for (const statement of statements) shape += `${statement.expectAffected ?? "-"} ${statement.sql}\u0000`;
  let sql = combined.get(shape);
  if (sql === undefined) {
    sql = combine(statements);
    // Commits come in a few shapes per table; the bound only guards against a caller with many.
    if (combined.size < MAX_SHAPES) combined.set(shape, sql);
  }
  return sql === null ? null : { sql, params: statements.flatMap((statement) => statement.params) };
}

const MAX_SHAPES = 1000;
/** The combined statement of each batch shape seen (its statements' SQL and guards); null: none. */
const combined = new Map<string, string | null>();

function combine(statements: readonly BatchStatement[]): string | null {
  const tables = new Set<string>();
  for (const { sql } of statements) {
    const target = WRITE_TARGET.exec(sql)?.[1];
    if (!target || tables.has(target) || RETURNING.test(sql)) return null;
    tables.add(target);
  }
  let offset = 0;
  const writes: string[] = [];
  const columns: string[] = [];
  for (const [index, statement] of statements.entries()) {
    const shift = offset;
    offset += statement.params.length;
    const sql = statement.sql
      .replace(/[\s;]+$/, "")
      .replace(PLACEHOLDER, (_, n: string) => `$${Number(n) + shift}`);
    writes.push(`w${index} AS (${sql} RETURNING 1)`);
    const count = `(SELECT count(*) FROM w${index})`;
    columns.push(`${count}::int AS c${index}`);
    // Cast to an integer only when it missed: the error that undoes the statement names it.
    if (statement.expectAffected !== undefined)
      columns.push(
        `CASE WHEN ${count} <> ${Number(statement.expectAffected)} THEN CAST('orrery guard ${index} missed: ' || ${count} AS integer) END AS g${index}`,
      );
  }
  return `WITH ${writes.join(", ")} SELECT ${columns.join(", ")}`;
}

/** The rows each write of {@link asSingleStatement}'s statement changed, from its one result row. */
export function countsOf(row: Record<string, unknown> | undefined, statements: number): number[] {
  return Array.from({ length: statements }, (_, index) => Number(row?.[`c${index}`] ?? 0));
}

/** A missed guard's error (Postgres's invalid_text_representation, naming the guard); null for any other. */
export function guardMissOf(error: unknown): GuardFailedError | null {
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== "22P02") return null;
  const missed = MISSED_GUARD.exec(error.message);
  return missed ? new GuardFailedError(Number(missed[1]), Number(missed[2])) : null;
}
