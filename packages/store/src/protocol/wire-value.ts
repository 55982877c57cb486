/**
 * Values cross the wire as JSON. bigint (`v.int64()`) and ArrayBuffer (`v.bytes()`) have no
 * JSON form, so they travel tagged: `{"$int64":"123"}`, `{"$bytes":"<base64>"}`. Documents
 * never have `$`-keys of their own (the validators refuse them), so tags are unambiguous.
 */
export type WireValue = null | boolean | number | string | WireValue[] | { [key: string]: WireValue };

export function toWire(value: unknown): WireValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return { $int64: value.toString() };
  if (value instanceof ArrayBuffer) return { $bytes: bytesToBase64(new Uint8Array(value)) };
  if (ArrayBuffer.isView(value))
    return { $bytes: bytesToBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === "object") {
    const out: Record<string, WireValue> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = toWire(item);
    return out;
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new TypeError(`cannot send ${value} as JSON: only finite numbers travel`);
  }
  if (typeof value === "boolean" || typeof value === "number" || typeof value === "string") return value;
  throw new TypeError(`cannot send a ${typeof value} as JSON`);
}

export function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && typeof record.$int64 === "string") return BigInt(record.$int64);
    if (keys.length === 1 && typeof record.$bytes === "string") return base64ToBytes(record.$bytes).buffer;
    const out: Record<string, unknown> = {};
    for (const key of keys) out[key] = fromWire(record[key]);
    return out;
  }
  return value;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
