import WebSocket from "ws";

/** A server frame, parsed (`raw` when it was not JSON). */
export type Frame = Record<string, unknown>;

export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

/**
 * One socket that speaks docs/protocol.md and nothing else: JSON frames over `ws`. Every frame
 * the server sends is kept in order; `next` waits for one that matches.
 */
export class ProtocolSocket {
  readonly frames: Frame[] = [];
  /** How the socket closed; null while open. */
  closed: CloseInfo | null = null;
  private readonly waiters = new Set<() => void>();
  /** Called for every frame as it arrives. */
  onFrame: ((frame: Frame) => void) | null = null;
  /** Whether frames are kept for `next` (a socket that only counts turns this off). */
  keep = true;
  /** Frames received, kept or not. */
  received = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data: Buffer, isBinary: boolean) => {
      let frame: Frame;
      try {
        frame = isBinary ? { type: "(binary)" } : (JSON.parse(data.toString("utf8")) as Frame);
      } catch {
        frame = { type: "(not json)", raw: data.toString("utf8").slice(0, 200) };
      }
      this.received++;
      if (this.keep) this.frames.push(frame);
      this.onFrame?.(frame);
      this.wake();
    });
    socket.on("close", (code: number, reason: Buffer) => {
      this.closed = { code, reason: reason.toString("utf8") };
      this.wake();
    });
    socket.on("error", () => undefined);
  }

  /** Opens `/api/<namespace>/ws` on `baseUrl` (http://…), or any `ws://` URL given whole. */
  static open(baseUrl: string, namespace?: string): Promise<ProtocolSocket> {
    const url =
      namespace === undefined
        ? baseUrl
        : `${baseUrl.replace(/^http/, "ws")}/api/${encodeURIComponent(namespace)}/ws`;
    const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    const client = new ProtocolSocket(socket);
    return new Promise((resolve, reject) => {
      socket.once("open", () => resolve(client));
      socket.once("error", (error) => reject(new Error(`ws ${url}: ${error.message}`)));
      socket.once("unexpected-response", (_request, response) =>
        reject(new Error(`ws ${url}: HTTP ${response.statusCode}`)),
      );
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** A frame as given: a string goes as text, a Buffer as binary unless `text` (even if not UTF-8). */
  sendRaw(data: string | Buffer, text = typeof data === "string"): void {
    this.socket.send(data, { binary: !text });
  }

  /** The first kept frame matching `match` (removed from `frames`), waiting up to `ms`. */
  async next(match: (frame: Frame) => boolean, ms = 30_000): Promise<Frame> {
    const deadline = Date.now() + ms;
    for (;;) {
      const index = this.frames.findIndex(match);
      if (index >= 0) return this.frames.splice(index, 1)[0]!;
      if (this.closed)
        throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) while waiting`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(() => done());
      });
    }
  }

  /** Closes and waits for the close handshake (or the socket's end). */
  async close(): Promise<void> {
    if (this.closed) return;
    const closed = new Promise<void>((resolve) => this.socket.once("close", () => resolve()));
    this.socket.close();
    const timer = setTimeout(() => this.socket.terminate(), 5_000);
    await closed;
    clearTimeout(timer);
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }
}
