import { Agent, type Connection, type WSMessage } from "agents";

/** Counters by key, the Agent's whole state: `setState` sends all of it to every connection. */
export type Counters = Record<string, number>;

/**
 * The Agents SDK peer: `{"type":"inc","key":…}` adds one to a counter with `setState`, which
 * persists the state and broadcasts it to every connection.
 */
export class CounterAgent extends Agent<Cloudflare.Env, Counters> {
  override initialState: Counters = {};

  override onMessage(_connection: Connection, message: WSMessage): void {
    if (typeof message !== "string") return;
    const frame = JSON.parse(message) as { type?: string; key?: string };
    if (frame.type !== "inc" || typeof frame.key !== "string") return;
    this.setState({ ...this.state, [frame.key]: (this.state[frame.key] ?? 0) + 1 });
  }
}
