import WebSocket from "ws";

/** A Chrome DevTools protocol session with the worker's isolate (wrangler's inspector proxy). */
export interface InspectorSession {
  call<T>(method: string, params?: Record<string, unknown>): Promise<T>;
  close(): void;
}

/** Opens a session; each call fails after `timeoutMs` without an answer. */
export async function openInspector(inspectorUrl: string, timeoutMs = 60_000): Promise<InspectorSession> {
  const ws = new WebSocket(inspectorUrl, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", (error) => reject(new Error(`inspector ${inspectorUrl}: ${error.message}`)));
  });
  let next = 0;
  const pending = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>();
  ws.on("message", (data: Buffer) => {
    const message = JSON.parse(data.toString("utf8")) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
    };
    if (message.id === undefined) return;
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  return {
    call: <T>(method: string, params: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        const id = ++next;
        const timer = setTimeout(
          () => reject(new Error(`inspector: no answer to ${method} in ${timeoutMs} ms`)),
          timeoutMs,
        );
        pending.set(id, (message) => {
          clearTimeout(timer);
          if (message.error) reject(new Error(`inspector: ${method}: ${message.error.message}`));
          else resolve(message.result as T);
        });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.terminate(),
  };
}
