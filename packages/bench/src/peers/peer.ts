import type { MeasuredSocket } from "../measured-socket";

/** A subscriber's own key got a value: `arrivedAt` is when the frame carrying it came in. */
export type Seen = (value: number, arrivedAt: number) => void;

/** The one writer of a fan-out run. */
export interface Writer {
  /**
   * Sends the write that makes `key` equal `value`. Peers that increment on the server (Orrery,
   * the Agent) send an increment: the driver keeps every key's count, so the two agree.
   */
  write(key: string, value: number): void;
  /** Resolves once every write sent so far is applied (seeding, before subscribers connect). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** One subscriber: a connection watching one key. */
export interface Subscriber {
  readonly socket: MeasuredSocket;
  /** Resolves once everything the server sent before it has arrived (Orrery: ping → pong). */
  barrier?(): Promise<void>;
  close(): Promise<void>;
}

/** A system under test, as the driver speaks to it. */
export interface Peer {
  /** As the tables print it. */
  readonly name: string;
  /** Whether every subscriber receives every write, whatever key it watches. */
  readonly broadcasts: boolean;
  /**
   * Whether case 2 writes every key once before the subscribers connect, so that the room holds
   * them all (what an Agent broadcasts grows with its state). Not for relays, which keep nothing.
   */
  readonly prefill: boolean;
  /**
   * A peer (TinyBase, the Agent) whose failure is reported in its row and does not stop the
   * run; the floor, the raw DO and Orrery must work.
   */
  readonly optional: boolean;
  writer(base: string, room: string): Promise<Writer>;
  /**
   * Connects a subscriber of `key` and resolves once it is live: for a peer with state, once it
   * holds the key's value (at least `initial`); a relay is live once the socket is open.
   */
  subscriber(base: string, room: string, key: string, initial: number, seen: Seen): Promise<Subscriber>;
}

/** `http://…` → `ws://…`. */
export const wsUrl = (base: string, path: string): string => `${base.replace(/^http/, "ws")}${path}`;

/** Waits for `condition` to hold, checked on every frame of `socket`; rejects after `ms`. */
export function until(
  socket: MeasuredSocket,
  what: string,
  condition: () => boolean,
  ms = 30_000,
): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.ws.off("message", check);
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const check = () => {
      if (!condition()) return;
      clearTimeout(timer);
      socket.ws.off("message", check);
      resolve();
    };
    socket.ws.on("message", check);
  });
}
