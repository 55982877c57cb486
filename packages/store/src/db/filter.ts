import { compareKeyValues } from "@orrery/schema";

/** A filter expression, evaluated against each document the index range yields. */
export interface Expression<T> {
  readonly evaluate: (doc: Readonly<Record<string, unknown>>) => T;
}

type Operand<T> = Expression<T> | T;

const isExpression = (x: unknown): x is Expression<unknown> =>
  typeof x === "object" && x !== null && typeof (x as { evaluate?: unknown }).evaluate === "function";

const operandValue = <T>(operand: Operand<T>, doc: Readonly<Record<string, unknown>>): unknown =>
  isExpression(operand) ? operand.evaluate(doc) : operand;

function isScalar(x: unknown): boolean {
  return (
    x === null ||
    x === undefined ||
    ["string", "number", "bigint", "boolean"].includes(typeof x) ||
    x instanceof ArrayBuffer
  );
}

function stableStringify(x: unknown): string {
  if (typeof x === "bigint") return `${x}n`;
  if (Array.isArray(x)) return `[${x.map(stableStringify).join(",")}]`;
  if (x && typeof x === "object") {
    const entries = Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(x) ?? "undefined";
}

/** Orders like the index does for scalars; objects and arrays only compare for equality. */
function compare(a: unknown, b: unknown): number {
  if (isScalar(a) && isScalar(b)) return compareKeyValues(a, b);
  return stableStringify(a) === stableStringify(b) ? 0 : Number.NaN;
}

const binary =
  (test: (order: number) => boolean) =>
  <T>(left: Operand<T>, right: Operand<T>): Expression<boolean> => ({
    evaluate: (doc) => test(compare(operandValue(left, doc), operandValue(right, doc))),
  });

/** The `q` of `.filter((q) => q.eq(q.field("done"), false))`, as Convex users write it. */
export interface FilterBuilder<Doc> {
  field<F extends keyof Doc & string>(name: F): Expression<Doc[F]>;
  eq<T>(left: Operand<T>, right: Operand<T>): Expression<boolean>;
  neq<T>(left: Operand<T>, right: Operand<T>): Expression<boolean>;
  lt<T>(left: Operand<T>, right: Operand<T>): Expression<boolean>;
  lte<T>(left: Operand<T>, right: Operand<T>): Expression<boolean>;
  gt<T>(left: Operand<T>, right: Operand<T>): Expression<boolean>;
  gte<T>(left: Operand<T>, right: Operand<T>): Expression<boolean>;
  and(...conditions: Operand<boolean>[]): Expression<boolean>;
  or(...conditions: Operand<boolean>[]): Expression<boolean>;
  not(condition: Operand<boolean>): Expression<boolean>;
}

export function filterBuilder<Doc>(): FilterBuilder<Doc> {
  return {
    field: (name) => ({ evaluate: (doc) => doc[name] as never }),
    eq: binary((order) => order === 0),
    neq: binary((order) => order !== 0),
    lt: binary((order) => order < 0),
    lte: binary((order) => order <= 0),
    gt: binary((order) => order > 0),
    gte: binary((order) => order >= 0),
    and: (...conditions) => ({ evaluate: (doc) => conditions.every((c) => operandValue(c, doc) === true) }),
    or: (...conditions) => ({ evaluate: (doc) => conditions.some((c) => operandValue(c, doc) === true) }),
    not: (condition) => ({ evaluate: (doc) => operandValue(condition, doc) !== true }),
  };
}
