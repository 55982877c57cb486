import { type Connection, Server, type WSMessage } from "partyserver";

/** One instance per namespace: runs every write of that namespace and hosts its live queries. */
export class GlobalStore extends Server<Env> {
  static override options = { hibernate: true };

  override onMessage(connection: Connection, message: WSMessage): void {
    if (typeof message === "string" && message.includes('"ping"')) {
      connection.send(JSON.stringify({ type: "pong" }));
    }
  }
}
