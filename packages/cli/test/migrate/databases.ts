import type { ExternalEngine } from "@orrery/schema";
import { openSpace as openFreshSpace, type Space } from "../support/database-spaces";

export { closeSpaces, type Space } from "../support/database-spaces";

/** An empty space for a migrate test (`closeSpaces` ends it). */
export const openSpace = (engine: ExternalEngine): Promise<Space> =>
  openFreshSpace(engine, { prefix: "migrate" });

/** The space's tables, columns and indexes from information_schema/pg_indexes, sorted: to compare schemas. */
export async function describeSchema(space: Space): Promise<unknown> {
  if (space.engine === "postgres") {
    const columns = await space.query(
      `SELECT table_name, column_name, data_type, character_maximum_length, collation_name, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
      [space.name],
    );
    const indexes = await space.query(
      "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY tablename, indexname",
      [space.name],
    );
    return {
      columns,
      indexes: indexes.map((i) => ({
        ...i,
        indexdef: String(i.indexdef).replaceAll(space.name, "<schema>"),
      })),
    };
  }
  const columns = await space.query(
    `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, COLLATION_NAME, IS_NULLABLE, COLUMN_DEFAULT
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [space.name],
  );
  const indexes = await space.query(
    `SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE
     FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    [space.name],
  );
  return { columns, indexes };
}

/** The tables of the space (without the migrations record). */
export async function tableNames(space: Space): Promise<string[]> {
  const rows =
    space.engine === "postgres"
      ? await space.query("SELECT table_name AS n FROM information_schema.tables WHERE table_schema = $1", [
          space.name,
        ])
      : await space.query("SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", [
          space.name,
        ]);
  return rows.map((r) => String(r.n)).sort();
}
