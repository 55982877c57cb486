import net from "node:net";
import { onExit } from "@orrery/test-harness";

/** A loopback TCP proxy in front of the dev server, to stand in for the network between. */
export interface TcpProxy {
  readonly port: number;
  /** Connections it cut for being idle. */
  readonly idleCuts: number;
  /**
   * The connections open now stop carrying bytes either way but stay open, as when a network
   * path dies without a reset (new connections are carried as usual).
   */
  freeze(): void;
  close(): Promise<void>;
}

interface Pair {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
  lastActivity: number;
  frozen: boolean;
}

/**
 * Forwards 127.0.0.1:<port> to `targetPort`. With `idleMs`, it cuts a connection that carried
 * no byte either way for that long, as load balancers and proxies do (60–100 s in the wild;
 * shortened here so the check runs in seconds).
 */
export async function startTcpProxy(
  targetPort: number,
  options: { idleMs?: number } = {},
): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let idleCuts = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    const pair: Pair = { client, upstream, lastActivity: Date.now(), frozen: false };
    pairs.add(pair);
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on("data", (chunk: Buffer) => {
        if (pair.frozen) return;
        pair.lastActivity = Date.now();
        to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on("error", end);
      socket.on("close", end);
    }
  });
  const sweeper =
    options.idleMs === undefined
      ? undefined
      : setInterval(() => {
          const now = Date.now();
          for (const pair of pairs) {
            if (pair.frozen || now - pair.lastActivity < (options.idleMs ?? 0)) continue;
            idleCuts++;
            pair.client.destroy();
            pair.upstream.destroy();
          }
        }, 50);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no TCP address");
  const stopSync = (closed?: () => void) => {
    clearInterval(sweeper);
    for (const pair of pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    server.close(() => closed?.());
  };
  const unregister = onExit(() => stopSync());
  return {
    port: address.port,
    get idleCuts() {
      return idleCuts;
    },
    freeze() {
      for (const pair of pairs) pair.frozen = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        unregister();
        stopSync(resolve);
      }),
  };
}
