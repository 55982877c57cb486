import { DurableObject } from "cloudflare:workers";
import { acceptSocket, frameText } from "./accept-socket";
import { closeSocket } from "./close-socket";

/** What the driver sends to the raw relay: a counter's key and its new value. */
interface RawWrite {
  readonly key: string;
  readonly value: number;
  /** Answer the writer with `{"ok":true}` once the row is written (the throughput case). */
  readonly ack?: boolean;
}

/**
 * The raw write path: a Durable Object on the hibernation API that does one `sql.exec` insert
 * per write into its own SQLite and relays the frame to every other socket. The cheapest
 * durable write a Durable Object can make, with the floor's fan-out.
 */
export class RawRelay extends DurableObject<Cloudflare.Env> {
  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS writes (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, value INTEGER NOT NULL)",
    );
  }

  override fetch(request: Request): Response {
    return acceptSocket(this.ctx, request);
  }

  override webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): void {
    const text = frameText(message);
    const write = JSON.parse(text) as RawWrite;
    this.ctx.storage.sql.exec("INSERT INTO writes (key, value) VALUES (?, ?)", write.key, write.value);
    for (const other of this.ctx.getWebSockets()) {
      if (other !== socket) other.send(text);
    }
    if (write.ack) socket.send('{"ok":true}');
  }

  override webSocketClose(socket: WebSocket, code: number, reason: string): void {
    closeSocket(socket, code, reason);
  }
}
