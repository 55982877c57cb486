/**
 * Whether `text` takes more than `max` bytes as UTF-8. A UTF-16 code unit is at most 3 bytes,
 * so only a text longer than a third of `max` is encoded to find out: the common small text
 * is checked without allocating.
 */
export function utf8LongerThan(text: string, max: number): boolean {
  if (text.length > max) return true;
  return text.length * 3 > max && new TextEncoder().encode(text).byteLength > max;
}
