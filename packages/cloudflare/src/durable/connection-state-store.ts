import type { ConnectionState } from "@orrery/store/sync";
import type { Connection } from "partyserver";

/** Left in the attachment when the state itself lives in storage. */
type SpilledMarker = { readonly spilled: true };
export type Attachment = ConnectionState | SpilledMarker;

// workerd refuses attachments over 16 KiB; partyserver keeps its own fields there too.
const ATTACHMENT_BUDGET_BYTES = 12 * 1024;
const keyOf = (connectionId: string) => `orrery:connection:${connectionId}`;

/** Saved on every transition, so the common small state skips encoding to count its bytes. */
function fitsAttachment(json: string): boolean {
  // A UTF-16 code unit is at most 3 bytes of UTF-8.
  if (json.length * 3 <= ATTACHMENT_BUDGET_BYTES) return true;
  return new TextEncoder().encode(json).byteLength <= ATTACHMENT_BUDGET_BYTES;
}

/**
 * Keeps each connection's sync state where it survives hibernation: in its WebSocket
 * attachment while it fits, otherwise in the object's own storage (a connection with many
 * or large subscriptions), with a marker in the attachment.
 */
export class ConnectionStateStore {
  constructor(private readonly storage: DurableObjectStorage) {}

  save(connection: Connection<Attachment>, state: ConnectionState): void {
    if (fitsAttachment(JSON.stringify(state))) {
      if (connection.state && "spilled" in connection.state) this.storage.kv.delete(keyOf(connection.id));
      connection.setState(state);
      return;
    }
    this.storage.kv.put(keyOf(connection.id), state);
    if (!(connection.state && "spilled" in connection.state)) connection.setState({ spilled: true });
  }

  load(connection: Connection<Attachment>): ConnectionState | null {
    const attachment = connection.state;
    if (!attachment) return null;
    if ("spilled" in attachment) return this.storage.kv.get<ConnectionState>(keyOf(connection.id)) ?? null;
    return structuredClone(attachment) as ConnectionState;
  }

  forget(connectionId: string): void {
    this.storage.kv.delete(keyOf(connectionId));
  }
}
