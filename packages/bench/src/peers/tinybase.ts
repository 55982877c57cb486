import { createMergeableStore, type MergeableStore } from "tinybase";
import { createWsSynchronizer, type WsSynchronizer } from "tinybase/synchronizers/synchronizer-ws-client";
import type WebSocket from "ws";
import { MeasuredSocket } from "../measured-socket";
import { type Peer, until, wsUrl } from "./peer";

const TABLE = "counters";
const REQUEST_TIMEOUT_SECONDS = 30;
const CELL = "value";

interface Replica {
  readonly socket: MeasuredSocket;
  readonly store: MergeableStore;
  readonly synchronizer: WsSynchronizer<WebSocket>;
  close(): Promise<void>;
}

/** A TinyBase client as its docs set one up: a MergeableStore synchronized over the socket. */
async function openReplica(base: string, room: string): Promise<Replica> {
  // Handed over before it opens: the synchronizer waits for the open itself, and so sees the
  // server's first frame.
  const socket = MeasuredSocket.connect(wsUrl(base, `/tinybase/${room}`));
  const store = createMergeableStore();
  // TinyBase's 1 s request timeout is too short while hundreds of clients sync at once: a
  // timed-out initial sync leaves the client empty for good. 30 s lets every sync finish.
  const [synchronizer] = await Promise.all([
    createWsSynchronizer(store, socket.ws, REQUEST_TIMEOUT_SECONDS),
    socket.opened,
  ]);
  await synchronizer.startSync();
  return {
    socket,
    store,
    synchronizer,
    async close() {
      await synchronizer.destroy();
      await socket.close();
    },
  };
}

const cellOf = (store: MergeableStore, key: string): number => {
  const value = store.getCell(TABLE, key, CELL);
  return typeof value === "number" ? value : 0;
};

/**
 * TinyBase's Durable Object synchronizer: the writer sets a cell in its MergeableStore, the
 * server relays the change to every other client (and persists its own copy), and a subscriber
 * sees the write when its store's cell listener fires with the new value.
 */
export const tinybasePeer: Peer = {
  name: "TinyBase",
  broadcasts: true,
  // A client joining syncs with every client already there: 500 joining a room that already
  // holds 500 cells did not settle in one driver process (syncs timed out, stores stayed
  // empty). A write sends only the changed cell, so its cost does not depend on the others.
  prefill: false,
  optional: true,
  async writer(base, room) {
    const replica = await openReplica(base, room);
    return {
      write: (key, value) => {
        replica.store.setCell(TABLE, key, CELL, value);
      },
      // TinyBase acknowledges nothing; later clients sync from the server's persisted copy and
      // from this one, so a subscriber's own readiness check (the seeded value) is the barrier.
      settle: async () => undefined,
      close: () => replica.close(),
    };
  },
  async subscriber(base, room, key, initial, seen) {
    const replica = await openReplica(base, room);
    replica.store.addCellListener(TABLE, key, CELL, (store) => {
      seen(cellOf(store as MergeableStore, key), replica.socket.lastArrival);
    });
    await until(replica.socket, "TinyBase's synced cell", () => cellOf(replica.store, key) >= initial);
    return { socket: replica.socket, close: () => replica.close() };
  },
};
