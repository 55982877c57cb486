import { type Connection, Server, type WSMessage } from "partyserver";

/**
 * The floor: a partyserver `Server` with hibernation that only forwards each frame to every
 * other connection. Nothing can deliver a write to N sockets with less work than this.
 */
export class Floor extends Server<Cloudflare.Env> {
  static override options = { hibernate: true };

  override onMessage(connection: Connection, message: WSMessage): void {
    this.broadcast(message, [connection.id]);
  }
}
