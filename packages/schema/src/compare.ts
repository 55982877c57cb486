/*
 * The order of decoded index values, matching the SQL order the store relies on: absent
 * (NULL) first, then booleans, numbers and bigints (numerically, together), strings by UTF-8
 * bytes (SQLite BINARY, Postgres COLLATE "C", MySQL utf8mb4_bin), then bytes. Within one
 * index column only one of these types occurs; the cross-type order just keeps it total.
 */

function rank(value: unknown): number {
  if (value === null || value === undefined) return 0;
  switch (typeof value) {
    case "boolean":
      return 1;
    case "number":
      if (Number.isNaN(value)) throw new TypeError("NaN is not an index key");
      return 2;
    case "bigint":
      return 2;
    case "string":
      return 3;
    default:
      if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return 4;
      throw new TypeError(`cannot compare a ${typeof value} as an index key`);
  }
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function compareNumeric(a: number | bigint, b: number | bigint): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
  // Mixed: compare exactly, without squeezing the bigint through a float.
  if (typeof a === "number") return 0 - compareNumeric(b, a);
  const n = b as number;
  if (n === Number.POSITIVE_INFINITY) return -1;
  if (n === Number.NEGATIVE_INFINITY) return 1;
  const floor = BigInt(Math.floor(n));
  if (a !== floor) return a < floor ? -1 : 1;
  return Number.isInteger(n) ? 0 : -1;
}

// UTF-16 code units order astral characters (surrogates, 0xD800–0xDFFF) below U+E000–U+FFFF,
// but UTF-8 bytes put them above; shifting the surrogate range to the top fixes that.
function codeUnitRank(c: number): number {
  if (c >= 0xe000) return c - 0x800;
  if (c >= 0xd800) return c + 0x2000;
  return c;
}

/** Compares strings by Unicode code point, which is UTF-8 byte order. */
export function compareStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return sign(codeUnitRank(x) - codeUnitRank(y));
  }
  return sign(a.length - b.length);
}

function bytesOf(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  return value instanceof ArrayBuffer
    ? new Uint8Array(value)
    : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return sign(a[i]! - b[i]!);
  }
  return sign(a.length - b.length);
}

/** A total order on decoded scalar index values; returns -1, 0 or 1. */
export function compareKeyValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return sign(ra - rb);
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return sign(Number(a) - Number(b));
    case 2:
      return compareNumeric(a as number | bigint, b as number | bigint);
    case 3:
      return compareStrings(a as string, b as string);
    default:
      return compareBytes(bytesOf(a as ArrayBuffer), bytesOf(b as ArrayBuffer));
  }
}

/** Lexicographic order over index keys; a proper prefix sorts first. */
export function compareIndexKeys(a: readonly unknown[], b: readonly unknown[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const c = compareKeyValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return sign(a.length - b.length);
}
