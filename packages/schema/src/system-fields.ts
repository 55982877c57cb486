import { monotonicFactory } from "ulid";

// ulid's own random source asks crypto.getRandomValues for one byte per character, 16 calls
// per id; the same kind of bytes (each ÷ 256, as ulid does), drawn 256 at a time.
const randomBytes = new Uint8Array(256);
let randomAt = randomBytes.length;
function randomFraction(): number {
  if (randomAt === randomBytes.length) {
    crypto.getRandomValues(randomBytes);
    randomAt = 0;
  }
  return randomBytes[randomAt++]! / 256;
}

// One factory per process (isolate) so ids minted in the same millisecond still sort in
// creation order, which keeps `by_creation_time` ties (broken by `_id`) in insertion order.
const nextUlid = monotonicFactory(randomFraction);

// Crockford base32, upper case as `ulid` emits it; the first character is at most "7"
// because a ULID's 48-bit timestamp tops out at 7ZZZZZZZZZ.
const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/** A new document id: a 26-character ULID, monotonic within this process. */
export function newDocumentId(): string {
  return nextUlid();
}

/** True when `x` has the shape of a document id (a 26-character Crockford base32 ULID). */
export function isDocumentId(x: unknown): x is string {
  return typeof x === "string" && ULID_PATTERN.test(x);
}

/** The column that holds a global table row's namespace. Not part of the document. */
export const NAMESPACE_COLUMN = "_namespace";

/** Fields every document carries, in column order. */
export const SYSTEM_FIELDS = ["_id", "_creationTime", "_version"] as const;

export type SystemFieldName = (typeof SYSTEM_FIELDS)[number];

/** The shape of the system fields on a decoded document. */
export interface SystemFields<TId extends string = string> {
  _id: TId;
  _creationTime: number;
  _version: number;
}
