import { OrreryError, type ServerMessage } from "@orrery/protocol";

/** A namespace's maintenance mode, as the admin route reads and sets it. */
export type MaintenanceState =
  | { readonly on: false }
  | {
      readonly on: true;
      /** What refused callers are told. */
      readonly message: string;
      /** When it was turned on (ms since the epoch). */
      readonly since: number;
    };

export const DEFAULT_MAINTENANCE_MESSAGE =
  "this namespace is in maintenance: writes are paused, try again in a moment";

const KEY = "orrery:maintenance";
const OFF: MaintenanceState = { on: false };

/**
 * One namespace's maintenance flag, kept in its Durable Object's own storage (so it outlives
 * restarts, evictions and hibernation) and read once, when the object's runtime starts; after
 * that, memory answers every check. While it is on, `check` refuses mutations and actions with
 * `MAINTENANCE` (the runner's write gate); queries and live queries never ask it.
 */
export class MaintenanceFlag {
  private current: MaintenanceState;

  constructor(private readonly storage: DurableObjectStorage) {
    this.current = storage.kv.get<MaintenanceState>(KEY) ?? OFF;
  }

  get state(): MaintenanceState {
    return this.current;
  }

  /** The write gate. */
  check(): void {
    if (this.current.on) throw new OrreryError("MAINTENANCE", this.current.message);
  }

  /**
   * Turns it on (with `message`, or the default) or off, stored and in effect at once: the
   * synchronous write means no call can slip between the two. Keeps `since` when it was
   * already on. Returns whether connected clients must be told (it turned, or its message
   * changed).
   */
  set(on: boolean, message?: string): boolean {
    const before = this.current;
    const next: MaintenanceState = on
      ? {
          on: true,
          message: message ?? DEFAULT_MAINTENANCE_MESSAGE,
          since: before.on ? before.since : Date.now(),
        }
      : OFF;
    if (next.on) this.storage.kv.put(KEY, next);
    else this.storage.kv.delete(KEY);
    this.current = next;
    return before.on !== next.on || (before.on && next.on && before.message !== next.message);
  }

  /** What a connection is told about it. */
  message(): ServerMessage {
    return this.current.on
      ? { type: "maintenance", on: true, message: this.current.message }
      : { type: "maintenance", on: false };
  }
}
