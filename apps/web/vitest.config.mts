import { defineConfig } from "vitest/config";

// Tests in Node: the browser tests drive a real Chromium against the app started as README
// line 1 starts it (one server per file), and the client tests talk to that same app. Files
// run one at a time: each starts a wrangler dev server and the browser tests a Chromium.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // Polls wait for what a live query pushes; give a loaded machine room beyond the 1 s default
    // (the one timing the tests assert, "within 2 seconds", is measured explicitly).
    expect: { poll: { timeout: 10_000 } },
  },
});
