import type { WireValue } from "@orrery/protocol";
import { fromWire } from "@orrery/protocol";
import type { Identity } from "../functions/auth";
import type { ReadSet, WriteSet } from "../reactivity/read-write-sets";
import { SubscriptionIndex } from "../reactivity/subscription-index";

/** One subscription of one connection. */
export interface Member {
  readonly connectionId: string;
  readonly id: string;
}

/**
 * Subscriptions that compute the same result: one query, the same arguments, the same
 * identity. A commit re-runs a group once, however many connections hold it, and the index
 * holds one entry per group, so a commit's cost follows the distinct queries it touches.
 */
export interface QueryGroup {
  readonly key: string;
  readonly query: string;
  /** Decoded once for all the runs of the group. */
  readonly args: unknown;
  readonly identity: Identity | null;
  readonly members: Map<string, Member>;
}

/** Failures a query's reads do not explain (a database that is down): retried after a backoff. */
const TRANSIENT_CODES = new Set(["UNAVAILABLE", "OUTCOME_UNKNOWN", "INTERNAL"]);
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 30_000;

const memberKey = (connectionId: string, id: string) => `${connectionId}\u0000${id}`;

/**
 * The live queries of a namespace, grouped; what each group read; and which groups must
 * re-run whatever a commit wrote: those whose reads are unknown (restored after hibernation,
 * or a connection that missed a transition) and those whose transient failure is due a retry.
 */
export class QueryGroups {
  private readonly groups = new Map<string, QueryGroup>();
  private readonly groupOfMember = new Map<string, QueryGroup>();
  private readonly index = new SubscriptionIndex<QueryGroup>();
  /** Groups whose read sets are not known: they re-run on the next commit. */
  private readonly unknownReads = new Set<QueryGroup>();
  private readonly retrying = new Map<QueryGroup, { attempts: number; at: number }>();

  get size(): number {
    return this.groups.size;
  }

  /**
   * Adds a subscription to the group of its query, arguments and identity. A new group's
   * reads are unknown until it first runs.
   */
  join(member: Member, query: string, args: WireValue, identity: Identity | null): QueryGroup {
    this.leave(member);
    // Arguments that differ only in key order make two groups: correct, merely not shared.
    const key = JSON.stringify([query, args, identity]);
    let group = this.groups.get(key);
    if (!group) {
      group = { key, query, args: fromWire(args), identity, members: new Map() };
      this.groups.set(key, group);
      this.unknownReads.add(group);
    }
    const mk = memberKey(member.connectionId, member.id);
    group.members.set(mk, member);
    this.groupOfMember.set(mk, group);
    return group;
  }

  leave(member: Member): void {
    const mk = memberKey(member.connectionId, member.id);
    const group = this.groupOfMember.get(mk);
    if (!group) return;
    this.groupOfMember.delete(mk);
    group.members.delete(mk);
    if (group.members.size > 0) return;
    this.groups.delete(group.key);
    this.index.delete(group);
    this.unknownReads.delete(group);
    this.retrying.delete(group);
  }

  groupOf(member: Member): QueryGroup | undefined {
    return this.groupOfMember.get(memberKey(member.connectionId, member.id));
  }

  /** A group still held by some subscription (not emptied while its query ran). */
  isLive(group: QueryGroup): boolean {
    return this.groups.get(group.key) === group;
  }

  /** Makes the group re-run on the next commit, whatever it writes. */
  forgetReads(group: QueryGroup): void {
    if (this.isLive(group)) this.unknownReads.add(group);
  }

  /** The groups a commit must re-run: those whose reads it wrote, unknown reads, due retries. */
  touchedBy(writes: WriteSet, now: number): Set<QueryGroup> {
    const touched = writes.length > 0 ? this.index.affectedBy(writes) : new Set<QueryGroup>();
    for (const group of this.unknownReads) touched.add(group);
    for (const [group, retry] of this.retrying) if (retry.at <= now) touched.add(group);
    return touched;
  }

  /**
   * Records a run: what it read (also when it failed, so a failing query re-runs when its
   * reads change) and, for a transient failure, when to retry it. Returns that delay, if any.
   */
  ran(group: QueryGroup, readSet: ReadSet, failureCode: string | null, now: number): number | null {
    if (!this.isLive(group)) return null;
    this.index.set(group, readSet);
    this.unknownReads.delete(group);
    if (failureCode === null || !TRANSIENT_CODES.has(failureCode)) {
      this.retrying.delete(group);
      return null;
    }
    const attempts = (this.retrying.get(group)?.attempts ?? 0) + 1;
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempts - 1));
    this.retrying.set(group, { attempts, at: now + delay });
    return delay;
  }

  /** Groups due a retry at `now`, and how long until the next one is (or null). */
  dueRetries(now: number): { due: QueryGroup[]; nextInMs: number | null } {
    const due: QueryGroup[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const [group, retry] of this.retrying) {
      if (retry.at <= now) due.push(group);
      else next = Math.min(next, retry.at - now);
    }
    return { due, nextInMs: Number.isFinite(next) ? next : null };
  }
}
