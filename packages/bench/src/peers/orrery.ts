import type { ClientMessage, ServerMessage } from "@orrery/protocol";
import { MeasuredSocket, textOf } from "../measured-socket";
import { type Peer, until, wsUrl } from "./peer";

const PONG_BYTES = Buffer.byteLength('{"type":"pong"}');

export const frame = (message: ClientMessage): string => JSON.stringify(message);
export const parse = (data: Buffer): ServerMessage => JSON.parse(textOf(data)) as ServerMessage;

/**
 * Orrery over its wire protocol (docs/protocol.md), with nothing of Orrery's client: a
 * subscriber subscribes to `counters:get({key})` and sees a write when the transition carrying
 * the new value arrives; the writer calls `counters:increment({key})`. `prefix` is where the
 * bench worker mounts the app.
 */
export function orreryPeer(name = "Orrery", prefix = "orrery"): Peer {
  return {
    name,
    broadcasts: false,
    prefill: true,
    optional: false,
    async writer(base, room) {
      let sent = 0;
      let answered = 0;
      let failure: string | null = null;
      const socket = await MeasuredSocket.open(wsUrl(base, `/${prefix}/${room}/ws`), (data) => {
        const message = parse(data);
        if (message.type !== "mutationResult") return;
        answered += 1;
        if (!message.ok) failure ??= `${message.error.code}: ${message.error.message}`;
      });
      return {
        write(key) {
          sent += 1;
          socket.send(
            frame({ type: "mutate", requestId: `w${sent}`, mutation: "counters:increment", args: { key } }),
          );
        },
        async settle() {
          await until(socket, `${name}'s answers to ${sent} mutations`, () => answered >= sent || !!failure);
          if (failure) throw new Error(`${name}: counters:increment failed: ${failure}`);
        },
        close: () => socket.close(),
      };
    },
    async subscriber(base, room, key, initial, seen) {
      let value: number | null = null;
      let pongs = 0;
      let refused: string | null = null;
      const socket = await MeasuredSocket.open(wsUrl(base, `/${prefix}/${room}/ws`), (data, arrivedAt) => {
        const message = parse(data);
        if (message.type === "pong") {
          pongs += 1;
          socket.discount(PONG_BYTES);
        } else if (message.type === "error") {
          refused ??= `${message.code}: ${message.message}`;
        } else if (message.type === "transition") {
          for (const update of message.updates) {
            if (update.id !== "q" || !("value" in update) || typeof update.value !== "number") continue;
            value = update.value;
            seen(value, arrivedAt);
          }
        }
      });
      socket.send(frame({ type: "subscribe", id: "q", query: "counters:get", args: { key } }));
      await until(
        socket,
        `${name}'s first result of counters:get`,
        () => refused !== null || (value !== null && value >= initial),
      );
      if (refused) throw new Error(`${name} refused the subscription: ${refused}`);
      return {
        socket,
        async barrier() {
          const before = pongs;
          socket.send(frame({ type: "ping" }));
          await until(socket, `${name}'s pong`, () => pongs > before);
        },
        close: () => socket.close(),
      };
    },
  };
}
