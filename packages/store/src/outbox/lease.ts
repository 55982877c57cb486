import { SYSTEM_TABLES } from "@orrery/schema";
import type { SqlExec } from "../sql/sql-exec";

const LEASES = SYSTEM_TABLES.leases;
const l = LEASES.columns;

/**
 * A named lease in the external database (`_orrery_leases`): at most one holder at a time until
 * it expires, so two overlapping Cron Trigger runs never relay the same outbox at once (which
 * would send messages twice and out of order). A holder that dies keeps it until it expires.
 */
export class Lease {
  constructor(
    private readonly exec: SqlExec,
    private readonly name: string,
  ) {}

  /** Takes the lease until `until` when it is free, expired or already ours; says whether it did. */
  async acquire(holder: string, now: number, until: number): Promise<boolean> {
    const { dialect } = this.exec;
    const q = dialect.quote;
    await this.exec.run({
      sql: dialect.insertIgnore(LEASES.name, [l.name, l.holder, l.expiresAt], [l.name]),
      params: [this.name, "", 0],
    });
    const { rowsAffected } = await this.exec.run({
      sql: `UPDATE ${q(LEASES.name)} SET ${q(l.holder)} = ${dialect.placeholder(1)}, ${q(l.expiresAt)} = ${dialect.placeholder(2)} WHERE ${q(l.name)} = ${dialect.placeholder(3)} AND (${q(l.expiresAt)} <= ${dialect.placeholder(4)} OR ${q(l.holder)} = ${dialect.placeholder(5)})`,
      params: [holder, until, this.name, now, holder],
    });
    return rowsAffected === 1;
  }

  /** Gives the lease up, if it is still ours. */
  async release(holder: string): Promise<void> {
    const { dialect } = this.exec;
    const q = dialect.quote;
    await this.exec.run({
      sql: `UPDATE ${q(LEASES.name)} SET ${q(l.expiresAt)} = 0 WHERE ${q(l.name)} = ${dialect.placeholder(1)} AND ${q(l.holder)} = ${dialect.placeholder(2)}`,
      params: [this.name, holder],
    });
  }
}
