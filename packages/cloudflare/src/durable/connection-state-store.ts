import { utf8LongerThan } from "@orrery/protocol";
import type { ConnectionState } from "@orrery/store/sync";
import type { Connection } from "partyserver";

/** Left in the attachment when the state itself lives in storage. */
type SpilledMarker = { readonly spilled: true };
export type Attachment = ConnectionState | SpilledMarker;

// workerd refuses attachments over 16 KiB; partyserver keeps its own fields there too.
const ATTACHMENT_BUDGET_BYTES = 12 * 1024;
const keyOf = (connectionId: string) => `orrery:connection:${connectionId}`;

/**
 * How long a transition's version and hashes may wait before they are written. A pending
 * timer keeps a Durable Object from hibernating, so hibernation always finds them written;
 * within the window, every transition to a connection costs one write, not one each.
 */
export const PROGRESS_FLUSH_MS = 500;

/**
 * Set while some connection's progress is not written yet. An object that is evicted before
 * its flush (a crash; or a test's forced eviction) finds it on wake-up and clears the
 * restored hashes: a result is then sent again, never skipped for a hash the client may no
 * longer hold.
 */
const UNFLUSHED_KEY = "orrery:connections-unflushed";

/**
 * Keeps each connection's sync state where it survives hibernation: in its WebSocket
 * attachment while it fits, otherwise in the object's own storage (a connection with many
 * or large subscriptions), with a marker in the attachment. A change of subscriptions or
 * identity is written at once; a transition's progress within {@link PROGRESS_FLUSH_MS}.
 */
export class ConnectionStateStore {
  /**
   * Connections whose progress is not written yet, with the state to write. Keyed by the
   * connection itself: partyserver's `connection.id` reads the attachment on every access.
   */
  private readonly unflushed = new Map<Connection<Attachment>, ConnectionState>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** Connections whose state lives in storage: known here, so a save reads no attachment. */
  private readonly spilled = new Set<string>();

  constructor(private readonly storage: DurableObjectStorage) {}

  save(connection: Connection<Attachment>, state: ConnectionState): void {
    this.unflushed.delete(connection);
    this.write(connection, state);
  }

  saveProgress(connection: Connection<Attachment>, state: ConnectionState): void {
    this.unflushed.set(connection, state);
    if (this.flushTimer !== null) return;
    this.storage.kv.put(UNFLUSHED_KEY, true);
    this.flushTimer = setTimeout(() => {
      try {
        this.flush();
      } catch (error) {
        // The marker stays: the next start re-sends results rather than trusting these hashes.
        console.error("orrery: could not save the connections' progress", error);
      }
    }, PROGRESS_FLUSH_MS);
  }

  /** Writes every deferred progress (the timer does; hibernation cannot come first). */
  flush(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    let failed = false;
    for (const [connection, state] of this.unflushed) {
      // A socket that closed meanwhile has nothing left to restore.
      if (connection.readyState !== WebSocket.READY_STATE_OPEN) continue;
      try {
        this.write(connection, state);
      } catch (error) {
        failed = true;
        console.error(`orrery: could not save the state of connection ${connection.id}`, error);
      }
    }
    this.unflushed.clear();
    // One that could not be written keeps the marker: its saved hashes must not be trusted.
    if (!failed) this.storage.kv.delete(UNFLUSHED_KEY);
  }

  /**
   * The states of connections that were open when the object went away. After an eviction
   * that cut a flush short, their hashes are cleared (and written so), so every result is
   * sent again on the next commit.
   */
  restore(connections: Iterable<Connection<Attachment>>): Map<Connection<Attachment>, ConnectionState> {
    const cutShort = this.storage.kv.get(UNFLUSHED_KEY) !== undefined;
    const restored = new Map<Connection<Attachment>, ConnectionState>();
    for (const connection of connections) {
      const state = this.load(connection);
      if (!state) continue;
      if (cutShort) {
        for (const subscription of Object.values(state.subscriptions)) subscription.hash = null;
        this.write(connection, state);
      }
      restored.set(connection, state);
    }
    if (cutShort) this.storage.kv.delete(UNFLUSHED_KEY);
    return restored;
  }

  forget(connection: Connection<Attachment>): void {
    this.unflushed.delete(connection);
    if (this.spilled.delete(connection.id)) this.storage.kv.delete(keyOf(connection.id));
  }

  private load(connection: Connection<Attachment>): ConnectionState | null {
    const attachment = connection.state;
    if (!attachment) return null;
    if ("spilled" in attachment) {
      this.spilled.add(connection.id);
      return this.storage.kv.get<ConnectionState>(keyOf(connection.id)) ?? null;
    }
    return structuredClone(attachment) as ConnectionState;
  }

  private write(connection: Connection<Attachment>, state: ConnectionState): void {
    if (!utf8LongerThan(JSON.stringify(state), ATTACHMENT_BUDGET_BYTES)) {
      if (this.spilled.delete(connection.id)) this.storage.kv.delete(keyOf(connection.id));
      connection.setState(state);
      return;
    }
    this.storage.kv.put(keyOf(connection.id), state);
    if (!this.spilled.has(connection.id)) {
      this.spilled.add(connection.id);
      connection.setState({ spilled: true });
    }
  }
}
