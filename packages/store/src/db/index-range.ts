import { OrreryError } from "@orrery/protocol";
import type { KeyRange } from "../reactivity/key-range";
import type { IndexInfo } from "./table-info";

type RangeOp = "eq" | "gt" | "gte" | "lt" | "lte";

/**
 * `q.eq("list", "a").gt("_creationTime", t)`: equalities on a prefix of the index's fields in
 * order, then at most one lower and one upper bound on the next field. The builder records the
 * calls; {@link toKeyRange} checks them against the index.
 */
export class IndexRangeBuilder<Doc = Record<string, unknown>> {
  protected constructor(readonly steps: readonly { op: RangeOp; field: string; value: unknown }[]) {}

  static start<Doc>(): IndexRangeBuilder<Doc> {
    return new IndexRangeBuilder<Doc>([]);
  }

  eq<F extends keyof Doc & string>(field: F, value: Doc[F]): IndexRangeBuilder<Doc> {
    return this.step("eq", field, value);
  }
  gt<F extends keyof Doc & string>(field: F, value: Doc[F]): IndexRangeBuilder<Doc> {
    return this.step("gt", field, value);
  }
  gte<F extends keyof Doc & string>(field: F, value: Doc[F]): IndexRangeBuilder<Doc> {
    return this.step("gte", field, value);
  }
  lt<F extends keyof Doc & string>(field: F, value: Doc[F]): IndexRangeBuilder<Doc> {
    return this.step("lt", field, value);
  }
  lte<F extends keyof Doc & string>(field: F, value: Doc[F]): IndexRangeBuilder<Doc> {
    return this.step("lte", field, value);
  }

  private step(op: RangeOp, field: string, value: unknown): IndexRangeBuilder<Doc> {
    return new IndexRangeBuilder<Doc>([...this.steps, { op, field, value }]);
  }
}

export function toKeyRange(index: IndexInfo, builder: IndexRangeBuilder<never> | null): KeyRange {
  const equal: unknown[] = [];
  let lower: { value: unknown; inclusive: boolean } | null = null;
  let upper: { value: unknown; inclusive: boolean } | null = null;
  let boundField: string | null = null;
  const fail = (message: string) => {
    throw new OrreryError("INVALID_ARGUMENT", `withIndex("${index.name}"): ${message}`);
  };
  for (const step of builder?.steps ?? []) {
    const expected = index.fields[equal.length];
    if (step.op === "eq") {
      if (boundField) fail(`eq("${step.field}") must come before range bounds`);
      if (step.field !== expected)
        fail(
          `expected eq on "${expected ?? "(no more fields)"}", got "${step.field}" (index fields: ${index.fields.join(", ")})`,
        );
      equal.push(step.value ?? null);
      continue;
    }
    if (step.field !== expected)
      fail(`a range bound must be on "${expected ?? "(no more fields)"}", got "${step.field}"`);
    boundField = step.field;
    const bound = { value: step.value ?? null, inclusive: step.op === "gte" || step.op === "lte" };
    if (step.op === "gt" || step.op === "gte") {
      if (lower) fail(`two lower bounds on "${step.field}"`);
      lower = bound;
    } else {
      if (upper) fail(`two upper bounds on "${step.field}"`);
      upper = bound;
    }
  }
  const prefix = equal;
  if (prefix.length === 0 && !lower && !upper) return { lower: null, upper: null };
  return {
    lower: lower
      ? { key: [...prefix, lower.value], inclusive: lower.inclusive }
      : prefix.length
        ? { key: prefix, inclusive: true }
        : null,
    upper: upper
      ? { key: [...prefix, upper.value], inclusive: upper.inclusive }
      : prefix.length
        ? { key: prefix, inclusive: true }
        : null,
  };
}
