import WebSocket from "ws";

/** A protocol's handler of one received frame, with the time it arrived. */
export type FrameListener = (data: Buffer, arrivedAt: number) => void;

/**
 * A client WebSocket that counts what it receives and when: every frame's arrival is stamped
 * (on the driver's one clock, `performance.now()`) before anything parses it, so a subscriber
 * that is handled later by the single-threaded driver still reports when its frame came in.
 */
export class MeasuredSocket {
  frames = 0;
  bytes = 0;
  /** When the last frame arrived. */
  lastArrival = 0;
  /** Called on every frame, after it was counted (the fan-out runner's hook). */
  onFrame: ((arrivedAt: number) => void) | null = null;
  /** Called when a protocol takes a frame back out of the counts (see `discount`). */
  onDiscount: (() => void) | null = null;
  /** Resolves when the socket is open; rejects with the status when the upgrade is refused. */
  readonly opened: Promise<void>;

  private constructor(
    readonly ws: WebSocket,
    url: string,
    listener: FrameListener | null,
  ) {
    // Registered first, so it runs before any protocol library's own listener.
    ws.on("message", (data: Buffer) => {
      const arrivedAt = performance.now();
      this.lastArrival = arrivedAt;
      this.frames += 1;
      this.bytes += data.length;
      this.onFrame?.(arrivedAt);
      listener?.(data, arrivedAt);
    });
    ws.on("error", () => undefined);
    this.opened = new Promise((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("unexpected-response", (_request, response) =>
        reject(new Error(`${url}: the server answered ${response.statusCode} instead of upgrading`)),
      );
      ws.once("error", (error) => reject(new Error(`${url}: ${error.message}`)));
    });
  }

  /** Starts connecting to `url`: hand `ws` to a protocol library that waits for it to open. */
  static connect(url: string, listener: FrameListener | null = null): MeasuredSocket {
    // No compression: the peers' frames are compared as they are sent.
    return new MeasuredSocket(new WebSocket(url, { perMessageDeflate: false }), url, listener);
  }

  /**
   * Opens `url` with `listener` attached from the start: a server's first frames can arrive in
   * the same read as the upgrade, before code awaiting the open could attach one.
   */
  static async open(url: string, listener: FrameListener): Promise<MeasuredSocket> {
    const socket = MeasuredSocket.connect(url, listener);
    await socket.opened;
    return socket;
  }

  send(text: string): void {
    this.ws.send(text);
  }

  /** Takes a frame back out of the counts (a protocol's own control frame, e.g. a pong). */
  discount(bytes: number): void {
    this.frames -= 1;
    this.bytes -= bytes;
    this.onDiscount?.();
  }

  resetCounts(): void {
    this.frames = 0;
    this.bytes = 0;
  }

  /** Closes and waits for the close (at most 2 s, then terminates). */
  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 2000);
      this.ws.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      this.ws.close();
    });
  }
}

/** A text frame as a string. */
export const textOf = (data: Buffer): string => data.toString("utf8");
