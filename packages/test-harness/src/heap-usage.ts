import { openInspector } from "./inspector.js";

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
  const inspector = await openInspector(inspectorUrl, timeoutMs);
  try {
    await inspector.call("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
    const usage = await inspector.call<{ usedSize: number; totalSize: number }>("Runtime.getHeapUsage");
    return { usedBytes: usage.usedSize, totalBytes: usage.totalSize };
  } finally {
    inspector.close();
  }
}
