import type { SqlExec } from "../sql/sql-exec";
import { Lease } from "./lease";
import type { OutboxEnvelope } from "./outbox-message";
import { OutboxTable } from "./outbox-table";

/** Hands messages to their Queue(s), in the order given; resolves once every one was accepted. */
export type OutboxSender = (messages: readonly OutboxEnvelope[]) => Promise<void>;

export interface RelayResult {
  /** Messages sent and marked sent by this run. */
  readonly sent: number;
  /** True when it stopped at its deadline with messages still waiting. */
  readonly more: boolean;
}

/**
 * Sends an outbox's unsent messages in order, a page at a time: send the page, then mark it
 * sent. A relay that dies between the two sends that page again on its next run (at least
 * once; consumers deduplicate on the message id); one that dies before sending sends it later.
 * A page that fails to send is not marked, and the run stops there, so nothing is skipped.
 */
export async function relayOutbox(options: {
  readonly table: OutboxTable;
  readonly send: OutboxSender;
  readonly now: () => number;
  /** The namespace whose messages to send (the home outbox); every namespace's when absent. */
  readonly namespace?: string;
  readonly pageSize?: number;
  /** No new page is started after this time. */
  readonly deadline?: number;
}): Promise<RelayResult> {
  const pageSize = options.pageSize ?? 100;
  let sent = 0;
  for (;;) {
    const page = await options.table.unsent(pageSize, options.namespace);
    if (page.length === 0) return { sent, more: false };
    await options.send(page);
    await options.table.markSent(page, options.now());
    sent += page.length;
    if (page.length < pageSize) return { sent, more: false };
    if (options.deadline !== undefined && options.now() >= options.deadline) return { sent, more: true };
  }
}

export interface GlobalRelayOptions {
  /** The external database's exec (where `.global()` tables and `_orrery_global_outbox` live). */
  readonly exec: SqlExec;
  readonly send: OutboxSender;
  readonly now?: () => number;
  /** How long one run may hold the relay (default 60 s); it starts no page past half of it. */
  readonly leaseMs?: number;
  /** Sent messages are deleted once older than this (default a day). */
  readonly retentionMs?: number;
  readonly pageSize?: number;
}

export const GLOBAL_RELAY_LEASE = "global-outbox-relay";
export const DEFAULT_OUTBOX_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * One run of the external outbox's poller (the worker's Cron Trigger): takes the relay's lease
 * (so overlapping runs never send the same messages at once), relays every namespace's unsent
 * messages in order, and deletes messages sent longer ago than the retention. `busy` when
 * another run holds the lease.
 */
export async function relayGlobalOutbox(
  options: GlobalRelayOptions,
): Promise<RelayResult & { readonly busy: boolean; readonly pruned: number }> {
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? 60_000;
  const lease = new Lease(options.exec, GLOBAL_RELAY_LEASE);
  const holder = crypto.randomUUID();
  const start = now();
  if (!(await lease.acquire(holder, start, start + leaseMs))) {
    return { sent: 0, more: false, busy: true, pruned: 0 };
  }
  const table = new OutboxTable(options.exec, "global");
  try {
    const result = await relayOutbox({
      table,
      send: options.send,
      now,
      deadline: start + leaseMs / 2,
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    });
    const pruned = await table.prune(now() - (options.retentionMs ?? DEFAULT_OUTBOX_RETENTION_MS));
    return { ...result, busy: false, pruned };
  } finally {
    await lease.release(holder);
  }
}
