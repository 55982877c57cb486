import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { tokenFor } from "./sign-in";

type Message = Record<string, unknown> & { type: string };

/**
 * A bare protocol client for tests: raw JSON frames over the worker's WebSocket route, with a
 * queue of received messages to wait on. No Orrery client code, as a third party would write.
 */
export class SocketClient {
  private readonly received: Message[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly closed: Promise<void>;

  private constructor(readonly socket: WebSocket) {
    socket.addEventListener("message", (event) => {
      this.received.push(JSON.parse(String(event.data)) as Message);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => socket.addEventListener("close", () => resolve(), { once: true }));
  }

  /**
   * `query` is appended to the URL as is (e.g. `?_pk=x`, to try to pick the connection's id);
   * `as` signs in as that user, with a development token in the subprotocols a browser sends.
   */
  static async open(namespace: string, options: { query?: string; as?: string } = {}): Promise<SocketClient> {
    const headers: Record<string, string> = { Upgrade: "websocket" };
    if (options.as !== undefined)
      headers["Sec-WebSocket-Protocol"] = `orrery, orrery.auth.${await tokenFor(options.as)}`;
    const response = await exports.default.fetch(
      `http://orrery.test/api/${namespace}/ws${options.query ?? ""}`,
      {
        headers,
      },
    );
    expect(response.status).toBe(101);
    const socket = response.webSocket;
    if (!socket) throw new Error("no WebSocket in the upgrade response");
    socket.accept();
    const client = new SocketClient(socket);
    // A token at the upgrade is answered first with who the connection is.
    if (options.as !== undefined) expect(await client.next()).toEqual({ type: "auth", subject: options.as });
    return client;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** Waits for (and removes) the first message matching `match`. */
  async next(match: (m: Message) => boolean = () => true, timeoutMs = 5_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.received.findIndex(match);
      if (index >= 0) return this.received.splice(index, 1)[0]!;
      const remaining = deadline - Date.now();
      if (remaining <= 0)
        throw new Error(`no matching message within ${timeoutMs} ms; have ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Subscribes and returns the first result. */
  async subscribe(id: string, query: string, args: unknown): Promise<unknown> {
    this.send({ type: "subscribe", id, query, args });
    const transition = await this.next((m) => m.type === "transition" && hasUpdate(m, id));
    return updateFor(transition, id);
  }

  async mutate(requestId: string, mutation: string, args: unknown): Promise<Message> {
    this.send({ type: "mutate", requestId, mutation, args });
    return this.next((m) => m.type === "mutationResult" && m.requestId === requestId);
  }

  /** Messages received and not yet taken. */
  pending(): Message[] {
    return [...this.received];
  }

  /** Round-trips a ping, so everything the server sent before it has arrived. */
  async settle(): Promise<void> {
    this.send({ type: "ping" });
    await this.next((m) => m.type === "pong");
  }

  async close(): Promise<void> {
    this.socket.close(1000, "done");
    await this.closed;
  }
}

export function hasUpdate(transition: Message, id: string): boolean {
  return (transition.updates as { id: string }[]).some((u) => u.id === id);
}

export function updateFor(transition: Message, id: string): unknown {
  const update = (transition.updates as { id: string; value?: unknown; error?: unknown }[]).find(
    (u) => u.id === id,
  );
  if (!update) throw new Error(`transition has no update for ${id}`);
  if (update.error) throw new Error(`subscription ${id} failed: ${JSON.stringify(update.error)}`);
  return update.value;
}
