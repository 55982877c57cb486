import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), "orrery-web-bundle-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** The source files the production bundle is made of, from its source map. */
async function bundledSources(): Promise<string[]> {
  await build({ root, logLevel: "silent", build: { outDir, sourcemap: true, emptyOutDir: true } });
  const assets = join(outDir, "assets");
  const maps = readdirSync(assets).filter((name) => name.endsWith(".js.map"));
  return maps.flatMap((name): string[] => {
    const map: { sources: string[] } = JSON.parse(readFileSync(join(assets, name), "utf8"));
    return map.sources;
  });
}

describe("the page's production bundle", () => {
  it("takes the protocol and function references from @orrery/protocol, and nothing of the engine", async () => {
    const sources = await bundledSources();
    const under = (dir: string) =>
      sources
        .map((source) => new RegExp(`packages/${dir}/src/(.*)$`).exec(source)?.[1])
        .filter((path) => path !== undefined)
        .sort();
    // `createApi`, the messages, the socket's token subprotocol and the wire format (base64, and
    // OrreryError for a bad tag); not the error table or the HTTP helpers: `"sideEffects": false`
    // lets the bundler drop them.
    expect(under("protocol")).toEqual([
      "base64.ts",
      "function-reference.ts",
      "orrery-error.ts",
      "protocol.ts",
      "subprotocol.ts",
      "wire-value.ts",
    ]);
    // Neither the page nor @orrery/client depends on @orrery/store any more: none of its files.
    expect(under("store")).toEqual([]);
    expect(sources.filter((source) => /drizzle-orm|packages\/schema\//.test(source))).toEqual([]);
    // Nothing of the worker: its app is imported for types only.
    expect(sources.filter((source) => source.includes("apps/worker"))).toEqual([]);
  });
});
