import { connect, createServer, type Socket } from "node:net";

export interface CuttableProxy {
  /** The app's URL through the proxy. */
  readonly url: string;
  /** The network goes away: every open connection is severed and new ones are refused. */
  cut(): void;
  /** The network comes back. */
  restore(): void;
  /**
   * From now on, what the app sends on open connections is held back (and lost at the next
   * `cut()`), while what the page sends still arrives: a mutation then runs on the server
   * but its answer never reaches the page.
   */
  holdReplies(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of the app, to take a page offline for real. Chromium's own offline
 * emulation (`context.setOffline`) refuses new connections but, in this Chromium, keeps an
 * open WebSocket open and only holds its frames back until it is back online, so the client
 * never sees a disconnect. Severing the TCP connections here closes the socket as a lost
 * network does, and refusing new ones keeps the client's reconnects failing until `restore()`.
 */
export async function startCuttableProxy(target: string): Promise<CuttableProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  const upstreams = new Set<Socket>();
  let refusing = false;
  const server = createServer((client) => {
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    upstreams.add(upstream);
    upstream.on("close", () => upstreams.delete(upstream));
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      open.add(from);
      from.pipe(to);
      from.on("error", () => to.destroy());
      from.on("close", () => {
        open.delete(from);
        to.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("the proxy has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut() {
      refusing = true;
      for (const socket of open) socket.resetAndDestroy();
    },
    restore() {
      refusing = false;
    },
    holdReplies() {
      for (const upstream of upstreams) {
        upstream.unpipe();
        upstream.pause();
      }
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
