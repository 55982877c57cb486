import { MeasuredSocket } from "../measured-socket";
import { frame, parse } from "./orrery";
import { until, wsUrl } from "./peer";

/** One Orrery connection holding a `counters:get` subscription per key. */
export interface Watcher {
  readonly socket: MeasuredSocket;
  close(): Promise<void>;
}

/**
 * Opens one connection and subscribes to `counters:get({key})` for each of `keys` (all frames
 * sent at once), resolving once every subscription has its first result. `seen` hears every
 * later value of any of them.
 */
export async function watchKeys(
  base: string,
  room: string,
  keys: readonly string[],
  seen: (key: string, value: number, arrivedAt: number) => void,
): Promise<Watcher> {
  const keyOf = new Map(keys.map((key, index) => [`q${index}`, key]));
  const live = new Set<string>();
  let refused: string | null = null;
  const socket = await MeasuredSocket.open(wsUrl(base, `/orrery/${room}/ws`), (data, arrivedAt) => {
    const message = parse(data);
    if (message.type === "error") refused ??= `${message.code}: ${message.message}`;
    if (message.type !== "transition") return;
    for (const update of message.updates) {
      const key = keyOf.get(update.id);
      if (key === undefined || !("value" in update) || typeof update.value !== "number") continue;
      if (live.has(update.id)) seen(key, update.value, arrivedAt);
      else live.add(update.id);
    }
  });
  for (const [id, key] of keyOf) {
    socket.send(frame({ type: "subscribe", id, query: "counters:get", args: { key } }));
  }
  await until(
    socket,
    `the first results of ${keys.length} subscriptions`,
    () => refused !== null || live.size === keys.length,
    120_000,
  );
  if (refused) throw new Error(`Orrery refused a subscription: ${refused}`);
  return { socket, close: () => socket.close() };
}
