import { MeasuredSocket, textOf } from "../measured-socket";
import { type Peer, until, wsUrl } from "./peer";

type AgentFrame = { type: "cf_agent_state"; state: Record<string, number> } | { type: string };

const isState = (frame: AgentFrame): frame is { type: "cf_agent_state"; state: Record<string, number> } =>
  frame.type === "cf_agent_state";

/**
 * The Agents SDK peer: the writer sends `{"type":"inc","key"}`, the Agent `setState`s and
 * broadcasts its whole state (`cf_agent_state`) to every connection, the writer's included.
 */
export const agentPeer: Peer = {
  name: "Agents",
  broadcasts: true,
  prefill: true,
  optional: true,
  async writer(base, room) {
    let state: Record<string, number> = {};
    const expected = new Map<string, number>();
    const socket = await MeasuredSocket.open(wsUrl(base, `/agents/counter-agent/${room}`), (data) => {
      const frame = JSON.parse(textOf(data)) as AgentFrame;
      if (isState(frame)) state = frame.state;
    });
    return {
      write(key, value) {
        expected.set(key, value);
        socket.send(JSON.stringify({ type: "inc", key }));
      },
      settle: () =>
        until(socket, "the Agent's state with every write", () =>
          [...expected].every(([key, value]) => (state[key] ?? 0) >= value),
        ),
      close: () => socket.close(),
    };
  },
  async subscriber(base, room, key, initial, seen) {
    let value: number | null = null;
    const socket = await MeasuredSocket.open(
      wsUrl(base, `/agents/counter-agent/${room}`),
      (data, arrivedAt) => {
        const frame = JSON.parse(textOf(data)) as AgentFrame;
        if (!isState(frame)) return;
        value = frame.state[key] ?? 0;
        seen(value, arrivedAt);
      },
    );
    await until(socket, "the Agent's state", () => value !== null && value >= initial);
    return { socket, close: () => socket.close() };
  },
};
