import { compareIndexKeys } from "@orrery/schema";

/** A full index key: the index's field values followed by `_id`, so keys are unique. */
export type IndexKey = readonly unknown[];

/**
 * One end of a range, with prefix semantics: `{ key: ["a"], inclusive: true }` as a lower
 * bound admits every key that starts with "a" or sorts after it.
 */
export interface KeyBound {
  readonly key: IndexKey;
  readonly inclusive: boolean;
}

/** A contiguous stretch of one index; `null` ends are unbounded. */
export interface KeyRange {
  readonly lower: KeyBound | null;
  readonly upper: KeyBound | null;
}

export const FULL_RANGE: KeyRange = { lower: null, upper: null };

/** Compares a key with a bound's prefix: 0 when the key extends the prefix. */
export function comparePrefix(key: IndexKey, prefix: IndexKey): number {
  return compareIndexKeys(key.slice(0, prefix.length), prefix);
}

export function isAboveLower(key: IndexKey, lower: KeyBound | null): boolean {
  if (!lower) return true;
  const order = comparePrefix(key, lower.key);
  return lower.inclusive ? order >= 0 : order > 0;
}

export function isBelowUpper(key: IndexKey, upper: KeyBound | null): boolean {
  if (!upper) return true;
  const order = comparePrefix(key, upper.key);
  return upper.inclusive ? order <= 0 : order < 0;
}

export function rangeContains(range: KeyRange, key: IndexKey): boolean {
  return isAboveLower(key, range.lower) && isBelowUpper(key, range.upper);
}

/**
 * A place between keys: just before (`side: -1`) or just after (`side: 1`) every key that
 * extends `key`. Points are totally ordered, which lets the subscription index keep ranges
 * in an interval tree and stab it with a written key.
 */
export type KeyPoint = { readonly key: IndexKey; readonly side: -1 | 1 } | "min" | "max";

export function lowerPoint(bound: KeyBound | null): KeyPoint {
  if (!bound) return "min";
  return { key: bound.key, side: bound.inclusive ? -1 : 1 };
}

export function upperPoint(bound: KeyBound | null): KeyPoint {
  if (!bound) return "max";
  return { key: bound.key, side: bound.inclusive ? 1 : -1 };
}

export function comparePoints(a: KeyPoint, b: KeyPoint): number {
  if (a === b) return 0;
  if (a === "min" || b === "max") return -1;
  if (a === "max" || b === "min") return 1;
  const common = Math.min(a.key.length, b.key.length);
  const order = compareIndexKeys(a.key.slice(0, common), b.key.slice(0, common));
  if (order !== 0) return order;
  if (a.key.length === b.key.length) return a.side - b.side;
  // The shorter prefix's point lies outside every extension of it, on its side.
  return a.key.length < b.key.length ? a.side : -b.side;
}

/** Where a full key sits relative to a point: never 0, since a point lies between keys. */
export function compareKeyToPoint(key: IndexKey, point: KeyPoint): number {
  if (point === "min") return 1;
  if (point === "max") return -1;
  const order = comparePrefix(key, point.key);
  return order !== 0 ? order : -point.side;
}

/**
 * The keys both ranges admit. Bounds are compared as points, so a prefix bound and a full key
 * bound compare correctly: the later lower point and the earlier upper point win.
 */
export function intersectRanges(a: KeyRange, b: KeyRange): KeyRange {
  return {
    lower: comparePoints(lowerPoint(a.lower), lowerPoint(b.lower)) >= 0 ? a.lower : b.lower,
    upper: comparePoints(upperPoint(a.upper), upperPoint(b.upper)) <= 0 ? a.upper : b.upper,
  };
}
