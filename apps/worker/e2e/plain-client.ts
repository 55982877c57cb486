import WebSocket from "ws";

/** A client that knows nothing but docs/protocol.md: JSON frames over a plain `ws` socket. */
export async function plainClient(baseUrl: string, namespace: string) {
  const socket = new WebSocket(`${baseUrl.replace("http", "ws")}/api/${namespace}/ws`);
  const inbox: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  socket.on("message", (data) => {
    inbox.push(JSON.parse(String(data)) as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  return {
    send: (message: unknown) => socket.send(JSON.stringify(message)),
    async next(match: (m: Record<string, unknown>) => boolean) {
      for (;;) {
        const index = inbox.findIndex(match);
        if (index >= 0) return inbox.splice(index, 1)[0]!;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    close: () => new Promise<void>((resolve) => socket.once("close", () => resolve()).close()),
  };
}
