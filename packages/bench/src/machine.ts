import { readFileSync, realpathSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { storageRoot, WRANGLER_BIN } from "./wrangler-dev";

/** Where and with what a run measured, for the report's header. */
export interface Machine {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly loadAverage: number;
  readonly node: string;
  readonly wrangler: string;
  readonly workerd: string;
  /** Where the Durable Objects' SQLite files lived. */
  readonly storage: string;
}

const versionOf = (packageJson: string): string =>
  (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;

/** workerd's version, found where wrangler finds it: wrangler → its miniflare → its workerd. */
function workerdVersion(): string {
  try {
    const wrangler = realpathSync(join(dirname(WRANGLER_BIN), ".."));
    const miniflare = realpathSync(join(wrangler, "../miniflare"));
    return versionOf(join(miniflare, "../workerd/package.json"));
  } catch {
    return "unknown";
  }
}

export function describeMachine(): Machine {
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    loadAverage: loadavg()[0] ?? Number.NaN,
    node: process.version,
    wrangler: versionOf(join(dirname(WRANGLER_BIN), "../package.json")),
    workerd: workerdVersion(),
    storage: storageRoot() === "/dev/shm" ? "tmpfs (/dev/shm)" : `${storageRoot()} (disk)`,
  };
}
