import { expect } from "vitest";
import { upgrade } from "./tokens";

type Message = Record<string, unknown> & { type: string };

/** A raw protocol client: frames in and out, received messages queued to wait on. */
export class LiveSocket {
  private readonly received: Message[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.addEventListener("message", (event) => {
      this.received.push(JSON.parse(String(event.data)) as Message);
      for (const wake of [...this.waiters]) wake();
    });
  }

  /** Opens a socket with a token (or none); the upgrade must be accepted with `orrery`. */
  static async open(namespace: string, bearer: string | null): Promise<LiveSocket> {
    const response = await upgrade(namespace, bearer);
    expect(response.status).toBe(101);
    expect(response.headers.get("sec-websocket-protocol")).toBe("orrery");
    const socket = response.webSocket;
    if (!socket) throw new Error("no WebSocket in the upgrade response");
    socket.accept();
    return new LiveSocket(socket);
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Waits for (and removes) the first message matching `match`. */
  async next(match: (m: Message) => boolean = () => true, timeoutMs = 10_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.received.findIndex(match);
      if (index >= 0) return this.received.splice(index, 1)[0] as Message;
      if (Date.now() > deadline)
        throw new Error(`no matching message in ${timeoutMs} ms; have ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, deadline - Date.now());
        this.waiters.add(wake);
      });
    }
  }

  /** Everything received and not yet taken, after a ping's round trip. */
  async drain(): Promise<Message[]> {
    this.send({ type: "ping" });
    await this.next((m) => m.type === "pong");
    return this.received.splice(0);
  }

  async close(): Promise<void> {
    const closed = new Promise((resolve) => this.socket.addEventListener("close", resolve, { once: true }));
    this.socket.close(1000, "done");
    await closed;
  }
}

/** The value (or error) a transition carries for subscription `id`. */
export function updateOf(transition: Message, id: string): { value?: unknown; error?: { code: string } } {
  const update = (transition.updates as { id: string; value?: unknown; error?: { code: string } }[]).find(
    (u) => u.id === id,
  );
  if (!update) throw new Error(`no update for ${id} in ${JSON.stringify(transition)}`);
  return update;
}

export const hasUpdate = (id: string) => (m: Message) =>
  m.type === "transition" && (m.updates as { id: string }[]).some((u) => u.id === id);
