import type { ExternalEngine } from "@orrery/schema";
import { openSpace as openFreshSpace, type Space } from "../support/database-spaces";

export { type Space, serverUrl } from "../support/database-spaces";

/** A space for a seed test, with `ddl` run in it; BIGINTs read back as exact strings. */
export const openSpace = (engine: ExternalEngine, ddl: readonly string[]): Promise<Space> =>
  openFreshSpace(engine, { prefix: "seed", ddl, bigNumberStrings: true });

/**
 * A checksum of every row of `table` in the space, ordered by `_id`: Postgres `md5` over
 * `string_agg` of each row as text; MariaDB `CHECKSUM TABLE` (a full, not live, checksum).
 */
export async function tableChecksum(space: Space, table: string): Promise<string> {
  if (space.engine === "postgres") {
    const [row] = await space.query(
      `SELECT count(*)::text AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t."_id"), '')) AS sum FROM "${table}" t`,
    );
    return `${row!.n}:${row!.sum}`;
  }
  const [row] = await space.query(`CHECKSUM TABLE \`${table}\` EXTENDED`);
  const [count] = await space.query(`SELECT COUNT(*) AS n FROM \`${table}\``);
  return `${count!.n}:${row!.Checksum}`;
}

/** Every row of `table`, ordered by `_id`. */
export function allRows(space: Space, table: string): Promise<Record<string, unknown>[]> {
  const q = space.engine === "postgres" ? `"${table}"` : `\`${table}\``;
  return space.query(`SELECT * FROM ${q} ORDER BY ${space.engine === "postgres" ? '"_id"' : "`_id`"}`);
}
