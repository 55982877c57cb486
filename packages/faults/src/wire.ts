/** A wire value as a number: `{"$int64": "12"}` (a `v.int64()` field) or a plain JSON number. */
export function wireNumber(value: unknown): number {
  if (typeof value === "object" && value !== null && "$int64" in value)
    return Number((value as { $int64: string }).$int64);
  return typeof value === "number" ? value : Number.NaN;
}
