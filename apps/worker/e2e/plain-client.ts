import WebSocket from "ws";

/**
 * A client that knows nothing but docs/protocol.md: JSON frames over a plain `ws` socket; with a
 * token, offered at the upgrade as a browser does (`orrery`, `orrery.auth.<token>`).
 */
export async function plainClient(baseUrl: string, namespace: string, token?: string) {
  const url = `${baseUrl.replace("http", "ws")}/api/${namespace}/ws`;
  const socket =
    token === undefined ? new WebSocket(url) : new WebSocket(url, ["orrery", `orrery.auth.${token}`]);
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

/** A token of the example's development issuer, as the web app's sign-in gets one. */
export async function devToken(baseUrl: string, user: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/dev/token?user=${encodeURIComponent(user)}`);
  if (!response.ok) throw new Error(`/api/dev/token answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}
