import { openInspector } from "@orrery/test-harness";

/** A V8 CPU profile as the inspector's `Profiler.stop` returns it (the parts read here). */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly children?: readonly number[];
  }[];
  readonly samples: readonly number[];
}

/** A function's share of the samples: on the stack's top (`self`) or anywhere on it (`total`). */
export interface FunctionShare {
  readonly name: string;
  readonly self: number;
  readonly total: number;
}

/**
 * Starts V8's sampling profiler in the worker's isolate (every Durable Object of the worker
 * shares it) and returns the function that stops it.
 */
export async function startCpuProfile(
  inspectorUrl: string,
  intervalMicros = 50,
): Promise<() => Promise<CpuProfile>> {
  const inspector = await openInspector(inspectorUrl);
  await inspector.call("Profiler.enable");
  await inspector.call("Profiler.setSamplingInterval", { interval: intervalMicros });
  await inspector.call("Profiler.start");
  return async () => {
    try {
      return (await inspector.call<{ profile: CpuProfile }>("Profiler.stop")).profile;
    } finally {
      inspector.close();
    }
  };
}

/**
 * Each function's self and total share of the samples, largest total first. A function is
 * named with the last part of its script's URL and its line (in wrangler's bundle: read it in
 * `.wrangler/tmp`, or open the saved profile in Chrome's DevTools).
 */
export function functionShares(profile: CpuProfile): FunctionShare[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const nameOf = (id: number) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    return `${functionName || "(anonymous)"} ${url.split("/").pop() ?? ""}:${lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const sample of profile.samples) {
    const top = nameOf(sample);
    self.set(top, (self.get(top) ?? 0) + 1);
    const onStack = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) onStack.add(nameOf(id));
    for (const name of onStack) total.set(name, (total.get(name) ?? 0) + 1);
  }
  const samples = Math.max(1, profile.samples.length);
  return [...total.entries()]
    .map(([name, count]) => ({ name, self: (self.get(name) ?? 0) / samples, total: count / samples }))
    .sort((a, b) => b.total - a.total || b.self - a.self);
}
