import type { PaginationOptions } from "@orrery/protocol";
import {
  type ClientMessage,
  encodeServerMessage,
  HEARTBEAT_REQUEST,
  HEARTBEAT_RESPONSE,
  hashResult,
  parseClientMessage,
  type QueryUpdate,
  type ServerMessage,
  type WireError,
  type WireValue,
} from "@orrery/protocol";
import { canonicalJson } from "../canonical-json";
import type { WebSocketConstructor } from "../orrery-client";

type Transition = Extract<ServerMessage, { type: "transition" }>;
/** An update as a test writes it: the fake server adds the `hash` when it is left out. */
export type UnhashedUpdate =
  | { id: string; value: WireValue; hash?: string }
  | { id: string; error: WireError; hash?: string };

/** A server message, except that a transition's updates may leave out `hash`. */
export type FakeServerMessage =
  | Exclude<ServerMessage, Transition>
  | (Omit<Transition, "updates"> & { updates: UnhashedUpdate[] });

/** The hash a fake server gives a result: the protocol's hash of it, as the real server's. */
export function fakeHash(update: { value: WireValue } | { error: WireError }): string {
  return hashResult(
    "error" in update
      ? `error:${update.error.code}:${update.error.message}`
      : `value:${canonicalJson(update.value)}`,
  );
}

/** Fills in the `hash` of each update that has none, as the real server always sends one. */
export function withHashes(message: FakeServerMessage): ServerMessage {
  if (message.type !== "transition") return message;
  return {
    ...message,
    updates: message.updates.map(
      (update): QueryUpdate => ({ ...update, hash: update.hash ?? fakeHash(update) }),
    ),
  };
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

class FakeCloseEvent extends Event {
  readonly wasClean = true;
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super("close");
  }
}

/** The server's end of one fake connection: what the client sent, and a way to answer. */
export class FakeConnection {
  readonly received: ClientMessage[] = [];

  constructor(
    private readonly socket: FakeSocket,
    /** The subprotocols the client offered at the upgrade. */
    readonly protocols: readonly string[],
  ) {}

  /** Sends a message; a transition's updates get a hash when they have none. */
  send(message: FakeServerMessage): void {
    this.socket.deliver(encodeServerMessage(withHashes(message)));
  }

  /** Sends a raw frame, for frames that are not messages. */
  sendRaw(frame: string): void {
    this.socket.deliver(frame);
  }

  /** The network drops: the client sees a close it did not ask for. */
  drop(): void {
    this.socket.serverClose();
  }

  get isOpen(): boolean {
    return this.socket.readyState === OPEN;
  }

  /** Messages received of one type, for short assertions. */
  ofType<T extends ClientMessage["type"]>(type: T): Extract<ClientMessage, { type: T }>[] {
    return this.received.filter((m): m is Extract<ClientMessage, { type: T }> => m.type === type);
  }
}

/**
 * An in-memory WebSocket, enough of one for partysocket: it opens on the next tick unless
 * the server refuses, and hands each frame to its `FakeConnection`.
 */
class FakeSocket extends EventTarget {
  readyState = CONNECTING;
  binaryType = "blob";
  readonly bufferedAmount = 0;
  readonly extensions = "";
  readonly protocol = "";
  readonly connection: FakeConnection;

  constructor(
    readonly url: string,
    private readonly server: FakeServer,
    protocols: string | string[] | undefined,
  ) {
    super();
    this.connection = new FakeConnection(this, protocols === undefined ? [] : [protocols].flat());
    server.connections.push(this.connection);
    setTimeout(() => {
      if (this.readyState !== CONNECTING) return;
      if (server.refuse || server.refuseUpgrade?.(this.connection.protocols)) return this.serverClose();
      this.readyState = OPEN;
      this.dispatchEvent(new Event("open"));
      // Before any answer to what the client sent on open, as a real server's onConnect frames.
      server.onConnect?.(this.connection);
    }, 0);
  }

  send(data: string): void {
    if (this.readyState !== OPEN) throw new Error("send on a socket that is not open");
    if (data === HEARTBEAT_REQUEST) {
      // As the runtime's auto-response does: answered without the server's code.
      this.server.heartbeats++;
      if (this.server.answerHeartbeats)
        queueMicrotask(() => this.readyState === OPEN && this.deliver(HEARTBEAT_RESPONSE));
      return;
    }
    const parsed = parseClientMessage(data);
    if (!parsed.ok) throw new Error(`the client sent a bad frame: ${parsed.error.message}`);
    const message = parsed.message;
    this.connection.received.push(message);
    // A real server answers later, never inside the client's send: no re-entrancy here either.
    queueMicrotask(() => {
      if (this.readyState === OPEN) this.server.onMessage?.(message, this.connection);
    });
  }

  close(code = 1000, reason = ""): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.dispatchEvent(new FakeCloseEvent(code, reason));
  }

  deliver(frame: string): void {
    if (this.readyState !== OPEN) throw new Error("the connection is not open");
    this.dispatchEvent(new MessageEvent("message", { data: frame }));
  }

  serverClose(): void {
    this.close(1006, "dropped");
  }
}

/** A server the client reaches through `WebSocket: server.WebSocket`. */
export class FakeServer {
  readonly connections: FakeConnection[] = [];
  /** While true, new connections are refused (the client is offline). */
  refuse = false;
  /** Heartbeats the clients sent; answered while `answerHeartbeats` (false: a dead socket). */
  heartbeats = 0;
  answerHeartbeats = true;
  /** When it says so, an upgrade is refused (as a 401 is: the client sees only a close). */
  refuseUpgrade: ((protocols: readonly string[]) => boolean) | undefined;
  /** Runs when a connection opens; what it sends arrives before any answer to the client. */
  onConnect: ((connection: FakeConnection) => void) | undefined;
  /** Runs for every message a client sends. */
  onMessage: ((message: ClientMessage, connection: FakeConnection) => void) | undefined;
  readonly urls: string[] = [];

  readonly WebSocket: WebSocketConstructor = ((server: FakeServer) =>
    class extends FakeSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, server, protocols);
        server.urls.push(url);
      }
    })(this);

  /** The newest connection that is open. */
  get current(): FakeConnection {
    const open = this.connections.filter((c) => c.isOpen);
    const last = open[open.length - 1];
    if (!last) throw new Error("no open connection");
    return last;
  }

  get openCount(): number {
    return this.connections.filter((c) => c.isOpen).length;
  }
}

/** Reads `paginationOpts` out of a page query's wire args, checking its shape. */
export function paginationOptsOf(args: WireValue): PaginationOptions {
  const opts =
    typeof args === "object" && args !== null && !Array.isArray(args) ? args.paginationOpts : undefined;
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) throw new Error("no paginationOpts");
  const { cursor, numItems, endCursor } = opts;
  if ((cursor !== null && typeof cursor !== "string") || typeof numItems !== "number") {
    throw new Error(`bad paginationOpts ${JSON.stringify(opts)}`);
  }
  return typeof endCursor === "string" ? { cursor, numItems, endCursor } : { cursor, numItems };
}
