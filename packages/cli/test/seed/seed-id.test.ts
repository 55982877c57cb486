import { createHash } from "node:crypto";
import { isDocumentId, seedId } from "@orrery/schema";
import { describe, expect, it } from "vitest";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** The documented derivation, with Node's SHA-256: checks the schema's own SHA-256 too. */
function expectedId(table: string, entries: [string, unknown][]): string {
  const digest = createHash("sha256")
    .update(`orrery-seed-id:v1\n${JSON.stringify([table, entries])}`)
    .digest();
  let bits = BigInt(`0x${digest.subarray(0, 16).toString("hex")}`);
  let id = "";
  for (let i = 0; i < 26; i++) {
    id = CROCKFORD[Number(bits & 31n)] + id;
    bits >>= 5n;
  }
  return id;
}

describe("seedId (the stable _id of a seeded row)", () => {
  it("is a valid document id, the same for the same table and key, whatever the key's field order", () => {
    const id = seedId("users", { email: "ada@example.com", org: 1 });
    expect(isDocumentId(id)).toBe(true);
    expect(seedId("users", { org: 1, email: "ada@example.com" })).toBe(id);
    expect(id).toBe(
      expectedId("users", [
        ["email", "ada@example.com"],
        ["org", 1],
      ]),
    );
  });

  it('differs by table, by value, by type (1 vs 1n vs "1") and by field name', () => {
    const ids = [
      seedId("users", { n: 1 }),
      seedId("posts", { n: 1 }),
      seedId("users", { n: 2 }),
      seedId("users", { n: 1n }),
      seedId("users", { n: "1" }),
      seedId("users", { m: 1 }),
      seedId("users", { n: true }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect(seedId("users", { n: 1n })).toBe(expectedId("users", [["n", { $int64: "1" }]]));
  });

  it("matches Node's SHA-256 on inputs across block boundaries (55, 56, 64, 119, 1000 bytes, non-ASCII)", () => {
    for (const length of [0, 30, 31, 32, 40, 41, 100, 1000]) {
      const value = "é🙂x".repeat(length).slice(0, length);
      expect(seedId("t", { k: value })).toBe(expectedId("t", [["k", value]]));
    }
    for (const isDocument of Array.from({ length: 200 }, (_, i) => isDocumentId(seedId("t", { i })))) {
      expect(isDocument).toBe(true);
    }
  });

  it("refuses an empty key and values that cannot identify a row", () => {
    expect(() => seedId("users", {})).toThrow(/no fields/);
    expect(() => seedId("users", { n: Number.NaN })).toThrow(/must be a string, number, bigint or boolean/);
    expect(() => seedId("users", { n: null as never })).toThrow(/got null/);
  });
});
