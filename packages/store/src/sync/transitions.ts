import {
  type EncodedResult,
  encodeResult,
  encodeServerMessage,
  encodeTransition,
  encodeUpdate,
  type ServerMessage,
  toWire,
  type WireError,
  type WireValue,
  wireErrorOf,
} from "@orrery/protocol";
import type { ObservedQuery } from "../store";
import type { ConnectionState } from "./connection-state";
import type { Member, QueryGroup, QueryGroups } from "./query-groups";
import type { LiveFunctions, SyncTransport } from "./sync-server";

/** A subscription's new result, encoded, not yet sent: its hash is kept only once it was. */
interface PendingUpdate {
  readonly id: string;
  readonly encoded: string;
  readonly hash: string;
}

/**
 * The sending half of live queries: re-runs query groups, encodes each result once for all
 * its members, and sends each connection what changed as one transition, moving the
 * connection's version and hashes only when it went out. The sync server decides what to
 * re-run and when; this does the re-run and the sends.
 */
export class Transitions {
  constructor(
    private readonly connections: ReadonlyMap<string, ConnectionState>,
    private readonly groups: QueryGroups,
    private readonly functions: Pick<LiveFunctions, "observeQuery" | "version">,
    private readonly transport: SyncTransport,
    /** A group's query failed: re-run it in this many ms if no commit does first. */
    private readonly onFailing: (retryInMs: number) => void,
  ) {}

  /**
   * Runs a group's query once, records what it read (also when it failed), and encodes the
   * result once for all its members; null when the group emptied while its query ran.
   */
  async run(group: QueryGroup): Promise<EncodedResult | null> {
    const outcome: ObservedQuery<unknown> = await this.functions.observeQuery(
      group.query,
      group.args,
      group.identity,
    );
    const body: { value: WireValue } | { error: WireError } = outcome.ok
      ? { value: toWire(outcome.value) }
      : { error: wireErrorOf(outcome.error) };
    const failureCode = "error" in body ? body.error.code : null;
    const retryIn = this.groups.ran(group, outcome.readSet, failureCode, Date.now());
    if (!this.groups.isLive(group)) return null;
    if (retryIn !== null) this.onFailing(retryIn);
    return encodeResult(body);
  }

  /**
   * Each member whose held result differs gets an update; the same bytes for all of them, and
   * the same update object for members under the same subscription id (so a transition
   * carrying only it is encoded once per version, see {@link rerun}).
   */
  private collectChanges(
    group: QueryGroup,
    result: EncodedResult,
    changed: Map<string, PendingUpdate[]>,
  ): void {
    const byId = new Map<string, PendingUpdate>();
    for (const member of group.members.values()) {
      if (!this.needsUpdate(member, result)) continue;
      let pending = byId.get(member.id);
      if (!pending) {
        pending = { id: member.id, encoded: encodeUpdate(member.id, result), hash: result.hash };
        byId.set(member.id, pending);
      }
      const list = changed.get(member.connectionId);
      if (list) list.push(pending);
      else changed.set(member.connectionId, [pending]);
    }
  }

  /** The member's update, when its subscription holds another result than `result`. */
  pendingFor(member: Member, result: EncodedResult): PendingUpdate | null {
    if (!this.needsUpdate(member, result)) return null;
    return { id: member.id, encoded: encodeUpdate(member.id, result), hash: result.hash };
  }

  /** The member is still subscribed and holds another result than `result`. */
  private needsUpdate(member: Member, result: EncodedResult): boolean {
    const subscription = this.connections.get(member.connectionId)?.subscriptions[member.id];
    return !!subscription && subscription.hash !== result.hash;
  }

  /**
   * Sends one transition (`frame`, when the caller already encoded this very one); the
   * connection's hashes and version move only if it went out.
   */
  sendTransition(
    connectionId: string,
    state: ConnectionState,
    pending: readonly PendingUpdate[],
    toVersion: number,
    frame = encodeTransition(
      state.version,
      Math.max(state.version, toVersion),
      pending.map((p) => p.encoded),
    ),
  ): boolean {
    const nextVersion = Math.max(state.version, toVersion);
    if (!this.send(connectionId, frame)) {
      // Its hashes did not move, so re-running every query of the connection on the next
      // commit sends whatever it missed, not only what that commit touches.
      for (const id of Object.keys(state.subscriptions)) {
        const group = this.groups.groupOf({ connectionId, id });
        if (group) this.groups.forgetReads(group);
      }
      return false;
    }
    state.version = nextVersion;
    for (const { id, hash } of pending) {
      const subscription = state.subscriptions[id];
      if (subscription) subscription.hash = hash;
    }
    this.save(connectionId, state, "progress");
    return true;
  }

  sendMessage(connectionId: string, message: ServerMessage): boolean {
    return this.send(connectionId, encodeServerMessage(message));
  }

  /** A send that fails (a closing socket) affects only its own connection. */
  private send(connectionId: string, frame: string): boolean {
    try {
      this.transport.send(connectionId, frame);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Re-runs groups and sends each connection what changed, as one transition to `toVersion`;
   * returns the connections that were sent one.
   */
  async rerun(groups: Iterable<QueryGroup>, toVersion?: number): Promise<Set<string>> {
    const changed = new Map<string, PendingUpdate[]>();
    for (const group of groups) {
      const result = await this.run(group);
      if (result) this.collectChanges(group, result, changed);
    }
    const to = toVersion ?? this.functions.version();
    const sent = new Set<string>();
    // The common fan-out: many connections at one version, each sent the same single update.
    const shared = new Map<PendingUpdate, { from: number; frame: string }>();
    for (const [connectionId, list] of changed) {
      const state = this.connections.get(connectionId);
      if (!state) continue;
      let frame: string | undefined;
      if (list.length === 1) {
        const only = list[0]!;
        const known = shared.get(only);
        if (known?.from === state.version) frame = known.frame;
        else {
          frame = encodeTransition(state.version, Math.max(state.version, to), [only.encoded]);
          shared.set(only, { from: state.version, frame });
        }
      }
      if (this.sendTransition(connectionId, state, list, to, frame)) sent.add(connectionId);
    }
    return sent;
  }

  /** A connection's state that cannot be saved (storage failing) is logged; others go on. */
  save(connectionId: string, state: ConnectionState, what: "state" | "progress" = "state"): void {
    try {
      if (what === "progress") this.transport.saveProgress(connectionId, state);
      else this.transport.saveState(connectionId, state);
    } catch (error) {
      console.error(`orrery: could not save the state of connection ${connectionId}`, error);
    }
  }
}
