import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { SocketClient, updateFor } from "../test/socket-client";
import { direct, engine, placeholder, quote } from "./database";

const importLegacy = (namespace: string, customer: string) =>
  exports.default.fetch(`http://orrery.test/api/${namespace}/actions/orders:importLegacy`, {
    method: "POST",
    body: JSON.stringify({ customer }),
  });

// A table Orrery does not own, as another application keeps it.
beforeAll(async () => {
  const numeric = engine() === "postgres" ? "NUMERIC(10, 2)" : "DECIMAL(10, 2)";
  await direct(`DROP TABLE IF EXISTS ${quote("legacy_orders")}`);
  await direct(
    `CREATE TABLE ${quote("legacy_orders")} (id INTEGER PRIMARY KEY, customer VARCHAR(100) NOT NULL, total ${numeric} NOT NULL, status VARCHAR(20) NOT NULL)`,
  );
  await direct(
    `INSERT INTO ${quote("legacy_orders")} (id, customer, total, status) VALUES (1, 'globex', 19.99, 'shipped'), (2, 'globex', 5.00, 'open'), (3, 'initech', 7.50, 'open')`,
  );
});

describe(`orders:importLegacy on ${engine()}: a projection of external rows through ctx.sql`, () => {
  it("a subscriber of orders:byCustomer sees the imported orders arrive; importing again updates them", async () => {
    const namespace = `import-${crypto.randomUUID().slice(0, 8)}`;
    const watcher = await SocketClient.open(namespace);
    expect(await watcher.subscribe("o", "orders:byCustomer", { customer: "globex" })).toEqual([]);

    const response = await importLegacy(namespace, "globex");
    expect(await response.json()).toEqual({ value: 2 });
    const seen = await watcher.next(
      (m) => m.type === "transition" && (updateFor(m, "o") as unknown[]).length === 2,
    );
    const orders = updateFor(seen, "o") as { legacyId: string; total: number; status: string }[];
    expect(
      orders
        .map(({ legacyId, total, status }) => ({ legacyId, total, status }))
        .sort((a, b) => a.legacyId.localeCompare(b.legacyId)),
    ).toEqual([
      { legacyId: "1", total: 19.99, status: "shipped" },
      { legacyId: "2", total: 5, status: "open" },
    ]);

    // The source changes; a second import updates by legacyId instead of duplicating.
    await direct(`UPDATE ${quote("legacy_orders")} SET status = ${placeholder(1)} WHERE id = 2`, ["paid"]);
    expect(await (await importLegacy(namespace, "globex")).json()).toEqual({ value: 2 });
    const updated = await watcher.next(
      (m) =>
        m.type === "transition" &&
        (updateFor(m, "o") as { status: string }[]).some((o) => o.status === "paid"),
    );
    expect(updateFor(updated, "o")).toHaveLength(2);
    const stored = await direct<{ legacyId: string }>(
      `SELECT ${quote("legacyId")} FROM ${quote("orders")} WHERE ${quote("_namespace")} = ${placeholder(1)} ORDER BY ${quote("legacyId")}`,
      [namespace],
    );
    expect(stored.map((r) => r.legacyId)).toEqual(["1", "2"]);
    await watcher.close();
  });
});
