import { connect } from "cloudflare:sockets";
import { EventEmitter } from "node:events";

/** The part of postgres.js's parsed options its `socket` factory is called with. */
export interface PostgresSocketOptions {
  readonly host: readonly string[];
  readonly port: readonly number[];
}

/** An error with a code, as drivers and `isNotConnected`/`isConnectionError` read them. */
function socketError(code: string, message: string, cause: unknown): Error {
  return Object.assign(new Error(message, { cause }), { code });
}

/**
 * A TCP socket for postgres.js's `socket` option, over workerd's `cloudflare:sockets`.
 *
 * postgres.js ships its own workerd socket, but it emits "error" after the connection has
 * removed its listeners once a close it started (an idle timeout, `sql.end()`) fails the
 * pending read with "This socket has been closed." An EventEmitter throws an "error" nobody
 * listens to, so that surfaced as an unhandled rejection in the Durable Object. Idle
 * connections must close, though: a Durable Object holding open sockets never hibernates.
 * This socket reports its end once, as "close" (after "error" only while someone listens).
 *
 * It also says how the connection ended, which workerd's errors do not:
 * - a socket that never opened fails with `CONNECT_FAILED` (workerd says only "Network
 *   connection lost."), so a commit that met a stopped database is known not to have been
 *   sent (`UNAVAILABLE`), not reported as a lost reply (`OUTCOME_UNKNOWN`);
 * - a close the server made, not this socket, fails with `CONNECTION_CLOSED`. postgres.js
 *   takes a quiet close while it is still connecting as a cue to dial again at once, so a
 *   server that accepts and hangs up (a proxy with no backend) kept it dialing forever and the
 *   call never answered; as an error it fails the call, and the next call dials afresh.
 */
class WorkerdSocket extends EventEmitter {
  readyState: "open" | "closed" = "open";
  private readonly raw: Socket;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private opened = false;
  /** This side started the close (`end`/`destroy`): the stream's end is no error then. */
  private ending = false;

  constructor(private readonly address: string) {
    super();
    this.raw = connect(address);
    this.writer = this.raw.writable.getWriter();
    this.raw.opened.then(
      () => {
        this.opened = true;
      },
      (error: unknown) => this.finish(error),
    );
    this.raw.closed.then(
      () => this.finish(),
      (error: unknown) => this.finish(error),
    );
    void this.pump(this.raw.readable.getReader());
  }

  private async pump(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.emit("data", Buffer.from(value));
      }
      this.finish();
    } catch (error) {
      this.finish(error);
    }
  }

  private finish(error?: unknown): void {
    if (this.readyState === "closed") return;
    this.readyState = "closed";
    let reported = error;
    if (!this.opened) {
      const why = error instanceof Error ? error.message : "closed before it opened";
      reported = socketError("CONNECT_FAILED", `could not connect to ${this.address}: ${why}`, error);
    } else if (!this.ending) {
      reported = socketError("CONNECTION_CLOSED", `${this.address} closed the connection`, error);
    }
    if (reported !== undefined && this.listenerCount("error") > 0) this.emit("error", reported);
    this.emit("close");
  }

  write(data: Uint8Array, callback?: () => void): boolean {
    this.writer.write(data).then(
      () => callback?.(),
      (error: unknown) => this.finish(error),
    );
    return true;
  }

  end(data?: Uint8Array): void {
    this.ending = true;
    const close = () => {
      this.raw.close().catch(() => undefined);
    };
    if (data && this.readyState === "open") this.write(data, close);
    else close();
  }

  destroy(): void {
    this.end();
  }
}

/** postgres.js's `socket` option: one {@link WorkerdSocket} to the (single) Hyperdrive host. */
export function postgresSocket(options: PostgresSocketOptions): WorkerdSocket {
  const host = options.host[0];
  const port = options.port[0];
  if (host === undefined || port === undefined) throw new Error("postgres.js gave the socket no host");
  return new WorkerdSocket(`${host}:${port}`);
}
