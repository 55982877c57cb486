import { compareIndexKeys } from "@orrery/schema";
import fc from "fast-check";
import { expect } from "vitest";
import { encodeCursor } from "../../db/cursor";
import type { PaginationOptions } from "../../db/query";
import type { Order } from "../../db/scan-sql";
import {
  comparePoints,
  type IndexKey,
  type KeyRange,
  lowerPoint,
  rangeContains,
  upperPoint,
} from "../../reactivity/key-range";
import type { ReadSet } from "../../reactivity/read-write-sets";
import type { CaseContext, ConformanceCase } from "../harness";

const INDEX = "by_published_score";

interface Post {
  readonly _id: string;
  readonly published: boolean;
  readonly score: number;
}

const keyOf = (post: Post): IndexKey => [post.published, post.score, post._id];

interface ScoreBound {
  readonly value: number;
  readonly inclusive: boolean;
}

/** `eq("published", p)` then optional bounds on `score`; no prefix means the whole index. */
interface RangeSpec {
  readonly published: boolean | null;
  readonly lower: ScoreBound | null;
  readonly upper: ScoreBound | null;
}

// Data scores are whole numbers 0–9 with repeats (so `_id` breaks ties); bounds and forged
// keys also fall between and beyond them.
const score = fc.oneof(fc.integer({ min: -1, max: 10 }), fc.constantFrom(2.5, 7.5, -0.5, 99));
const scoreBound = fc.option(fc.record({ value: score, inclusive: fc.boolean() }), { nil: null });
const rangeSpec: fc.Arbitrary<RangeSpec> = fc.oneof(
  fc.constant({ published: null, lower: null, upper: null }),
  fc.record({ published: fc.boolean(), lower: scoreBound, upper: scoreBound }),
);

async function seed(open: CaseContext["open"]) {
  const store = await open();
  const { value: posts } = await store.mutate(async (db) => {
    const author = await db.insert("authors", { name: "Prop" });
    const inserted: Post[] = [];
    for (let i = 0; i < 36; i++) {
      const fields = { published: i % 3 !== 0, score: (i * 7) % 10 };
      const _id = await db.insert("posts", { author, title: `p${i}`, tags: [], ...fields });
      inserted.push({ _id, ...fields });
    }
    return inserted;
  });
  return { store, posts };
}

/** Every range a read recorded lies within the query's own range. */
function expectWithin(readSet: ReadSet, range: KeyRange) {
  for (const read of readSet) {
    const context = `read ${JSON.stringify(read.range)} within ${JSON.stringify(range)}`;
    expect(read.index).toBe(INDEX);
    expect(
      comparePoints(lowerPoint(read.range.lower), lowerPoint(range.lower)),
      context,
    ).toBeGreaterThanOrEqual(0);
    expect(comparePoints(upperPoint(read.range.upper), upperPoint(range.upper)), context).toBeLessThanOrEqual(
      0,
    );
  }
}

export const paginationPropertyCases: ConformanceCase[] = [
  {
    name: "pages of any cursor are a slice of collect(); valid cursors page through exactly collect()",
    async run({ open }) {
      const { store, posts } = await seed(open);
      const id = fc.oneof(
        fc.constantFrom(...posts.map((p) => p._id)),
        fc.constantFrom("", "0", "00000000000000000000000000", "ZZZZZZZZZZZZZZZZZZZZZZZZZZ", "z"),
      );
      // Forged keys anywhere in the index, and real keys, which are often in another range.
      const forgedKey = fc.oneof(
        fc.tuple(fc.boolean(), score, id) as fc.Arbitrary<IndexKey>,
        fc.constantFrom(...posts.map(keyOf)),
      );

      const observe = async <T>(spec: RangeSpec, order: Order, run: "collect" | PaginationOptions) => {
        const outcome = await store.observe(async (db) => {
          const query = db
            .query("posts")
            .withIndex(INDEX, (q) => {
              if (spec.published === null) return q;
              let range = q.eq("published", spec.published);
              const { lower, upper } = spec;
              if (lower)
                range = lower.inclusive ? range.gte("score", lower.value) : range.gt("score", lower.value);
              if (upper)
                range = upper.inclusive ? range.lte("score", upper.value) : range.lt("score", upper.value);
              return range;
            })
            .order(order);
          return (run === "collect" ? query.collect() : query.paginate(run)) as Promise<T>;
        });
        if (!outcome.ok) throw outcome.error;
        return outcome;
      };
      type Page = { page: Post[]; isDone: boolean; continueCursor: string };
      const ids = (docs: readonly Post[]) => docs.map((d) => d._id);

      await fc.assert(
        fc.asyncProperty(
          rangeSpec,
          fc.constantFrom<Order>("asc", "desc"),
          fc.integer({ min: 1, max: 8 }),
          forgedKey,
          fc.nat(),
          async (spec, order, numItems, key, pick) => {
            const all = await observe<Post[]>(spec, order, "collect");
            // An exhausted collect() records exactly the query's range.
            expect(all.readSet).toHaveLength(1);
            const range = all.readSet[0]!.range;
            const inScanOrder = (a: IndexKey, b: IndexKey) =>
              (order === "asc" ? 1 : -1) * compareIndexKeys(a, b);

            // From null to isDone with the cursors the store hands out: exactly collect().
            const pages: { cursor: string | null; result: Page }[] = [];
            let cursor: string | null = null;
            for (;;) {
              const current: string | null = cursor;
              const { value, readSet }: { value: Page; readSet: ReadSet } = await observe<Page>(spec, order, {
                cursor: current,
                numItems,
              });
              expectWithin(readSet, range);
              pages.push({ cursor: current, result: value });
              if (value.isDone) break;
              expect(pages.length).toBeLessThanOrEqual(all.value.length + 1);
              cursor = value.continueCursor;
            }
            expect(pages.flatMap((p) => ids(p.result.page))).toEqual(ids(all.value));

            // An endCursor re-reads a loaded page exactly.
            const loaded = pages[pick % pages.length]!;
            const reread = await observe<Page>(spec, order, {
              cursor: loaded.cursor,
              numItems,
              endCursor: loaded.result.continueCursor,
            });
            expect(ids(reread.value.page)).toEqual(ids(loaded.result.page));

            // Any well-formed key: the rows after it (or up to it) within the range, else nothing.
            const inRange = rangeContains(range, key);
            const after = await observe<Page>(spec, order, { cursor: encodeCursor(INDEX, key), numItems });
            const expectedAfter = inRange ? all.value.filter((p) => inScanOrder(keyOf(p), key) > 0) : [];
            expect(ids(after.value.page), "page after a cursor").toEqual(
              ids(expectedAfter.slice(0, numItems)),
            );
            if (!inRange) expect(after.value.isDone).toBe(true);
            expectWithin(after.readSet, range);

            const upTo = await observe<Page>(spec, order, {
              cursor: null,
              numItems,
              endCursor: encodeCursor(INDEX, key),
            });
            const expectedUpTo = inRange ? all.value.filter((p) => inScanOrder(keyOf(p), key) <= 0) : [];
            expect(ids(upTo.value.page), "page up to an endCursor").toEqual(ids(expectedUpTo));
            expectWithin(upTo.readSet, range);

            // A key of the wrong length is refused, never read as a prefix.
            const short = key.slice(0, 1 + (pick % 2));
            await expect(
              observe(spec, order, { cursor: encodeCursor(INDEX, short), numItems }),
            ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
          },
        ),
        { numRuns: 30 },
      );
    },
  },
];
