import { isDeepStrictEqual } from "node:util";
import { ProtocolSocket } from "./protocol-socket";
import { waitFor } from "./timing";

interface Update {
  readonly id: string;
  readonly value?: unknown;
  readonly error?: { code: string; message: string };
}

/**
 * One live query over a protocol socket, keeping the last result the server sent: what a
 * client would show. `errors` counts updates that carried an error instead of a value.
 */
export class Watcher {
  last: unknown = undefined;
  errors = 0;
  transitions = 0;
  /** When each value (not error) arrived, in `performance.now()` time. */
  readonly valueTimes: number[] = [];

  private constructor(readonly socket: ProtocolSocket) {}

  /** Opens the socket and subscribes; `waitFirst: false` does not wait for the first result. */
  static async open(
    url: string,
    namespace: string,
    query: string,
    args: unknown,
    waitFirst = true,
  ): Promise<Watcher> {
    const socket = await ProtocolSocket.open(url, namespace);
    socket.keep = false;
    const watcher = new Watcher(socket);
    socket.onFrame = (frame) => {
      if (frame.type !== "transition") return;
      watcher.transitions++;
      for (const update of frame.updates as Update[]) {
        if (update.id !== "w") continue;
        if (update.error) watcher.errors++;
        else {
          watcher.last = update.value;
          watcher.valueTimes.push(performance.now());
        }
      }
    };
    socket.send({ type: "subscribe", id: "w", query, args });
    if (waitFirst && !(await waitFor(() => watcher.transitions > 0, 30_000)))
      throw new Error(`subscribe ${query}: no first transition within 30 s`);
    return watcher;
  }

  /** Waits until the shown result equals `fresh` (a fresh query's); false when it never does. */
  settlesTo(fresh: unknown, ms = 10_000): Promise<boolean> {
    return waitFor(() => isDeepStrictEqual(this.last, fresh), ms);
  }

  close(): Promise<void> {
    return this.socket.close();
  }
}
