/** Something a harness started, stopped synchronously (on exit, Ctrl-C, or a crash). */
type Stopper = () => void;

const stoppers = new Set<Stopper>();
let installed = false;

function stopAll(): void {
  for (const stop of [...stoppers].reverse()) {
    try {
      stop();
    } catch (error) {
      console.error("cleanup failed:", error);
    }
  }
  stoppers.clear();
}

/**
 * Registers `stop` to run when the process exits, is interrupted (SIGINT, SIGTERM, SIGHUP) or
 * crashes, so no wrangler, workerd or proxy a harness (the benchmarks, the fault suite) started
 * outlives it. Returns the unregister function, for the normal path that stops things itself.
 */
export function onExit(stop: Stopper): () => void {
  if (!installed) {
    installed = true;
    process.once("exit", stopAll);
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.once(signal, () => {
        console.error(`\n${signal}: stopping everything this run started`);
        stopAll();
        process.exit(signal === "SIGINT" ? 130 : 143);
      });
    }
  }
  stoppers.add(stop);
  return () => stoppers.delete(stop);
}
