import WebSocket from "ws";

/** The V8 heap of the worker's isolate, after a full garbage collection (bytes). */
export interface HeapUsage {
  readonly usedBytes: number;
  readonly totalBytes: number;
}

/**
 * Reads the heap of the worker's isolate through wrangler's inspector proxy (Chrome DevTools
 * protocol). workerd answers `Runtime.getHeapUsage` but not `HeapProfiler.collectGarbage`;
 * `HeapProfiler.takeHeapSnapshot` runs a full GC first, so a snapshot (its chunks discarded)
 * comes before each reading and the figure is live memory, not garbage awaiting collection.
 * Every Durable Object of the worker shares that isolate: compare readings, or read it where
 * only the object under test has state.
 */
export async function heapAfterGc(inspectorUrl: string, timeoutMs = 60_000): Promise<HeapUsage> {
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
  const call = <T>(method: string, params: Record<string, unknown> = {}) =>
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
    });
  try {
    await call("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
    const usage = await call<{ usedSize: number; totalSize: number }>("Runtime.getHeapUsage");
    return { usedBytes: usage.usedSize, totalBytes: usage.totalSize };
  } finally {
    ws.terminate();
  }
}
