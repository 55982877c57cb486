import { OrreryError } from "@orrery/store";
import type { Mysql2ConnectionLike } from "../driver-like";
import { mysqlQuery } from "./mysql-query";

const PROBE = "`_orrery_found_rows_probe`";

export const FOUND_ROWS_MESSAGE =
  "MySQL connection does not report FOUND_ROWS: an UPDATE that changes nothing reports 0 affected rows. " +
  "Orrery's optimistic concurrency guard counts the rows an UPDATE matched, so without it an unchanged " +
  "patch would look like a conflict. Create the connection or pool with the client flag FOUND_ROWS, " +
  'e.g. mysql.createPool({ uri, flags: ["FOUND_ROWS"] }) (mysql2 sets it by default; ' +
  '`flags: ["-FOUND_ROWS"]` turns it off, so remove that).';

/**
 * Checks, on one connection and inside one transaction (so a pooling proxy such as Hyperdrive
 * keeps the statements together), that `UPDATE … SET x = x` on a matched row reports 1.
 */
export async function checkFoundRows(connection: Mysql2ConnectionLike): Promise<void> {
  const run = (sql: string) => mysqlQuery(connection, { sql, params: [] });
  await connection.beginTransaction();
  let affected: number;
  try {
    await run(`DROP TEMPORARY TABLE IF EXISTS ${PROBE}`);
    await run(`CREATE TEMPORARY TABLE ${PROBE} (x INT NOT NULL)`);
    await run(`INSERT INTO ${PROBE} (x) VALUES (1)`);
    affected = (await run(`UPDATE ${PROBE} SET x = x`)).rowsAffected;
    await run(`DROP TEMPORARY TABLE ${PROBE}`);
    await connection.commit();
  } catch (error) {
    await connection.rollback().catch(() => undefined);
    throw error;
  }
  // An OrreryError, not a connection error: rebuilding the connection would not fix it.
  if (affected !== 1) throw new OrreryError("INTERNAL", FOUND_ROWS_MESSAGE);
}
