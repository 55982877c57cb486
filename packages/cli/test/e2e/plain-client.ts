import WebSocket from "ws";

type Frame = Record<string, unknown>;

/** A client that knows nothing but docs/protocol.md: JSON frames over a plain `ws` socket. */
export async function plainClient(baseUrl: string, namespace: string) {
  const socket = new WebSocket(`${baseUrl.replace("http", "ws")}/api/${namespace}/ws`);
  const inbox: Frame[] = [];
  const seen: Frame[] = [];
  const waiters: (() => void)[] = [];
  socket.on("message", (data) => {
    const frame = JSON.parse(String(data)) as Frame;
    inbox.push(frame);
    seen.push(frame);
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  return {
    send: (message: unknown) => socket.send(JSON.stringify(message)),
    /** The first unread frame that matches, waiting up to `timeoutMs` for it. */
    async next(match: (frame: Frame) => boolean, timeoutMs = 30_000): Promise<Frame> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = inbox.findIndex(match);
        if (index >= 0) return inbox.splice(index, 1)[0]!;
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(seen)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    async close(): Promise<void> {
      if (socket.readyState !== WebSocket.CLOSED) socket.close();
      await closed;
    },
  };
}
