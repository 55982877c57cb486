import { base64ToBytes, bytesToBase64 } from "./base64";
import { OrreryError } from "./orrery-error";

/**
 * Values cross the wire, and sit in JSON columns, as JSON. bigint (`v.int64()`) and
 * ArrayBuffer (`v.bytes()`) have no JSON form, so they travel tagged: `{"$int64":"123"}`,
 * `{"$bytes":"<base64>"}`. Documents and arguments never have `$`-keys of their own (the
 * validators refuse them), so tags are unambiguous. This file is the one implementation of the
 * tags: `toWire`/`fromWire` for the protocol, `encodeTagged`/`decodeTagged` for
 * @orrery/schema's JSON columns, which add only their top-level `$string`/`$null`.
 */
export type WireValue = null | boolean | number | string | WireValue[] | { [key: string]: WireValue };

export interface EncodeOptions {
  /**
   * Refuse what would not come back as it went (undefined in an array, a key starting with
   * "$", typed-array views, anything but a plain object or array) and sort object keys, so
   * equal values give equal text: the form JSON columns store. Without it, as `toWire` sends:
   * undefined is null (left out of an object), any object sends its own enumerable fields, a
   * typed-array view sends its bytes, keys keep their order.
   */
  readonly strict?: boolean;
  /** The value's name in errors ("value" by default): a column, "args". */
  readonly path?: string;
  /** The error thrown for what cannot be encoded; a TypeError naming the path by default. */
  readonly error?: (path: string, reason: string) => Error;
}

/** A value as it travels: bigints and bytes tagged, undefined left out. */
export function toWire(value: unknown): WireValue {
  return encodeTagged(value);
}

/** The inverse of `toWire`; a malformed tag is an INVALID_ARGUMENT naming where it is. */
export function fromWire(value: unknown): unknown {
  return decodeTagged(value);
}

export function encodeTagged(value: unknown, options: EncodeOptions = {}): WireValue {
  const walk = new Walk(options.path ?? "value", options.error ?? typeError);
  return encode(value, options.strict === true, walk);
}

/** Tagged JSON (parsed) back to values: `{"$int64"}` to bigint, `{"$bytes"}` to ArrayBuffer. */
export function decodeTagged(value: unknown, path = "value"): unknown {
  return decode(value, new Walk(path, invalidArgument));
}

/**
 * How deep a value may nest (arrays and objects in each other). Deeper input is refused with
 * INVALID_ARGUMENT naming its path: without a bound, the recursive walks over a value (here,
 * in the validators, in `JSON.stringify`) overflow the stack on a hostile frame, and the caller
 * got an INTERNAL "Maximum call stack size exceeded" instead of a verdict on its input.
 */
export const MAX_VALUE_DEPTH = 64;

/** Whether `value` nests deeper than `max` levels; iterative, so any depth is safe to ask about. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== "object" || current === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Where the walk is, kept as a stack so a path string is made only for an error. */
class Walk {
  private readonly keys: (string | number)[] = [];

  get depth(): number {
    return this.keys.length;
  }

  constructor(
    private readonly root: string,
    private readonly error: (path: string, reason: string) => Error,
  ) {}

  enter(key: string | number): void {
    this.keys.push(key);
  }

  leave(): void {
    this.keys.pop();
  }

  fail(reason: string): never {
    let path = this.root;
    for (const key of this.keys) path += typeof key === "number" ? `[${key}]` : `.${key}`;
    throw this.error(path, reason);
  }
}

const typeError = (path: string, reason: string) => new TypeError(`${path}: ${reason}`);
const invalidArgument = (path: string, reason: string) =>
  new OrreryError("INVALID_ARGUMENT", `${path}: ${reason}`);

function encode(value: unknown, strict: boolean, walk: Walk): WireValue {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value))
        walk.fail(`${value} cannot be stored or sent: JSON has only finite numbers`);
      return value;
    case "bigint":
      return { $int64: value.toString() };
    case "undefined":
      if (strict) walk.fail("undefined cannot be stored or sent");
      return null;
    case "object":
      break;
    default:
      walk.fail(`a ${typeof value} cannot be stored or sent`);
  }
  if (value === null) return null;
  if (value instanceof ArrayBuffer) return { $bytes: bytesToBase64(new Uint8Array(value)) };
  if (!strict && ArrayBuffer.isView(value))
    return { $bytes: bytesToBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
  if (Array.isArray(value)) {
    const out: WireValue[] = [];
    for (let i = 0; i < value.length; i++) {
      walk.enter(i);
      const element: unknown = value[i];
      if (element === undefined && strict) walk.fail("undefined cannot be stored in an array");
      out.push(encode(element, strict, walk));
      walk.leave();
    }
    return out;
  }
  if (strict && !isPlainObject(value)) walk.fail("a non-plain object cannot be stored or sent");
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (strict) keys.sort();
  const out: Record<string, WireValue> = {};
  for (const key of keys) {
    walk.enter(key);
    if (strict && key.startsWith("$")) walk.fail('keys starting with "$" are reserved');
    const element = record[key];
    if (element !== undefined) setOwn(out, key, encode(element, strict, walk));
    walk.leave();
  }
  return out;
}

function decode(value: unknown, walk: Walk): unknown {
  if (walk.depth >= MAX_VALUE_DEPTH && typeof value === "object" && value !== null)
    walk.fail(`nested deeper than ${MAX_VALUE_DEPTH} levels`);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      walk.enter(i);
      out.push(decode(value[i], walk));
      walk.leave();
    }
    return out;
  }
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const tagged = value[keys[0]!];
    if (keys[0] === "$int64" && typeof tagged === "string") {
      if (!/^-?\d+$/.test(tagged))
        walk.fail(`{"$int64": …} must hold a decimal integer, got ${JSON.stringify(tagged)}`);
      return BigInt(tagged);
    }
    if (keys[0] === "$bytes" && typeof tagged === "string") {
      try {
        return base64ToBytes(tagged).buffer;
      } catch (error) {
        walk.fail(`{"$bytes": …}: ${(error as Error).message}`);
      }
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    walk.enter(key);
    setOwn(out, key, decode(value[key], walk));
    walk.leave();
  }
  return out;
}

// Plain assignment of "__proto__" would replace the prototype instead of adding a key.
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * A `{...}` object or `Object.create(null)`: not an array, a class instance, a Date or a
 * buffer. Shared with @orrery/schema's validators.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
