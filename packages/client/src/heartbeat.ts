/** How often an idle socket is checked, and how long a heartbeat may go unanswered. */
export interface HeartbeatOptions {
  /** A heartbeat goes out after this long without a frame from the server. Default 15000. */
  readonly intervalMs?: number;
  /** No frame for this long after it: the socket is dead, and is replaced. Default 10000. */
  readonly timeoutMs?: number;
}

export const DEFAULT_HEARTBEAT = { intervalMs: 15_000, timeoutMs: 10_000 } as const;

/**
 * The client half of the heartbeat (docs/protocol.md, "Heartbeats"): while the socket is open
 * and the server has been quiet for `intervalMs`, it sends a heartbeat, which the runtime
 * answers without waking the Durable Object. Any frame counts as an answer, so a busy socket
 * sends none. Silence for `timeoutMs` after one means the socket is dead although it looks
 * open (a dropped network, a proxy that stopped forwarding): `dead` replaces it. The traffic
 * also keeps idle sockets open through proxies that close quiet connections.
 */
export class Heartbeat {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastHeard = 0;
  /** When the unanswered heartbeat went out; null when none is. */
  private sentAt: number | null = null;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;

  constructor(
    options: HeartbeatOptions,
    private readonly send: () => void,
    private readonly dead: () => void,
    private readonly now: () => number = Date.now,
  ) {
    this.intervalMs = options.intervalMs ?? DEFAULT_HEARTBEAT.intervalMs;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_HEARTBEAT.timeoutMs;
  }

  /** The socket opened. */
  start(): void {
    this.lastHeard = this.now();
    this.sentAt = null;
    this.schedule(this.intervalMs);
  }

  /** A frame came: the socket is alive (cheap: no timer is touched). */
  heard(): void {
    this.lastHeard = this.now();
    this.sentAt = null;
  }

  /** The socket closed (or the client did). */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.sentAt = null;
  }

  private schedule(ms: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), Math.max(0, ms));
  }

  private tick(): void {
    this.timer = null;
    const now = this.now();
    if (this.sentAt !== null) {
      const waited = now - this.sentAt;
      if (waited < this.timeoutMs) {
        this.schedule(this.timeoutMs - waited);
        return;
      }
      this.stop();
      this.dead();
      return;
    }
    const quiet = now - this.lastHeard;
    if (quiet < this.intervalMs) {
      this.schedule(this.intervalMs - quiet);
      return;
    }
    this.sentAt = now;
    this.send();
    this.schedule(this.timeoutMs);
  }
}
