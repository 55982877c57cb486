import net from "node:net";

/**
 * A loopback TCP proxy in front of a test server, to make a live database look dead.
 * "forward" pipes to the server; "blackhole" accepts connections and never answers (a
 * partition: drivers must give up on their connect timeout). `cut()` drops every open
 * connection, as a crashed server or a broken network would.
 */
export interface TcpProxy {
  readonly port: number;
  mode: "forward" | "blackhole";
  cut(): void;
  close(): Promise<void>;
}

export async function createTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const proxy: TcpProxy = {
    port: 0,
    mode: "forward",
    cut() {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        proxy.cut();
        server.close(() => resolve());
      }),
  };
  const server = net.createServer((client) => {
    track(client);
    if (proxy.mode === "blackhole") return;
    const upstream = net.connect(targetPort, targetHost);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no TCP address");
  return Object.assign(proxy, { port: address.port });
}
