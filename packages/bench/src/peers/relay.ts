import { MeasuredSocket, textOf } from "../measured-socket";
import { type Peer, wsUrl } from "./peer";

/**
 * A relay's client side (the floor, and the raw DO): the writer sends `{"key","value"}`, and
 * every other socket of the room receives that frame as it was sent.
 */
function relayPeer(name: string, prefix: string, optional = false): Peer {
  return {
    name,
    broadcasts: true,
    prefill: false,
    optional,
    async writer(base, room) {
      const socket = await MeasuredSocket.open(wsUrl(base, `/${prefix}/${room}`), () => undefined);
      return {
        write: (key, value) => socket.send(JSON.stringify({ key, value })),
        // A relay keeps no state a later subscriber could read.
        settle: async () => undefined,
        close: () => socket.close(),
      };
    },
    async subscriber(base, room, key, _initial, seen) {
      const socket = await MeasuredSocket.open(wsUrl(base, `/${prefix}/${room}`), (data, arrivedAt) => {
        const frame = JSON.parse(textOf(data)) as { key: string; value: number };
        if (frame.key === key) seen(frame.value, arrivedAt);
      });
      return { socket, close: () => socket.close() };
    },
  };
}

/** The floor: a partyserver relay with hibernation, forwarding each frame. */
export const floorPeer = relayPeer("floor", "floor");

/** A raw Durable Object: one `sql.exec` insert per write, then the same relay. */
export const rawPeer = relayPeer("raw DO", "raw");

/**
 * A raw Durable Object running the statements Orrery runs for `counters:increment` and the
 * re-run of `counters:get`, then the same relay: what Orrery's storage work alone costs.
 * Optional: its statements are today's, and `--rev` may measure an Orrery whose tables differ.
 */
export const rawCommitPeer = relayPeer("raw DO, Orrery's SQL", "raw-commit", true);
