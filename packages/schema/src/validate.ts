import { isPlainObject } from "@orrery/protocol";
import { isDocumentId } from "./system-fields";
import { INT64_MAX, INT64_MIN } from "./v";
import { type Infer, type KnownValidator, known, type Validator } from "./validators";

export interface ValidationIssue {
  path: string;
  message: string;
}

export function formatIssue(issue: ValidationIssue): string {
  return `${issue.path}: ${issue.message}`;
}

/** Thrown by `assertValid`; `code` is what the wire protocol reports. */
export class ValidationError extends Error {
  readonly code = "INVALID_ARGUMENT" as const;
  readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[]) {
    super(issues.map(formatIssue).join("; "));
    this.name = "ValidationError";
    this.issues = issues;
  }
}

/** Checks `value` against `validator`; an empty array means valid. */
export function validate(validator: Validator, value: unknown, path = "value"): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (value === undefined && validator.isOptional) return issues;
  check(known(validator), value, path, issues);
  return issues;
}

export function assertValid<V extends Validator>(
  validator: V,
  value: unknown,
  path = "value",
): asserts value is Infer<V> {
  const issues = validate(validator, value, path);
  if (issues.length > 0) throw new ValidationError(issues);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `path.key` for identifier-like keys, `path["key"]` otherwise. */
export function childPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** A readable name for the type of a value, used after "got". */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof ArrayBuffer) return "ArrayBuffer";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "object") {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return "object";
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name.length > 0 ? name : "object";
  }
  return typeof value;
}

/** A readable name for what a validator expects, used after "expected". */
export function describeValidator(validator: Validator): string {
  const k = known(validator);
  switch (k.kind) {
    case "id":
      return `id of table ${JSON.stringify(k.tableName)}`;
    case "literal":
      return typeof k.value === "bigint" ? `${k.value}n` : JSON.stringify(k.value);
    case "union":
      return k.members.map(describeValidator).join(" | ");
    case "array":
      return "array";
    case "object":
      return "object";
    case "record":
      return "record";
    case "bytes":
      return "ArrayBuffer";
    default:
      return k.kind;
  }
}

// One definition, shared with the wire codec.
export { isPlainObject };

// Strings must survive a UTF-8 round trip and Postgres TEXT/JSONB, which rejects NUL.
function stringProblem(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return "string contains a NUL character";
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return "string contains an unpaired surrogate";
    }
    if (c >= 0xdc00 && c <= 0xdfff) return "string contains an unpaired surrogate";
  }
  return undefined;
}

function mismatch(expected: string, value: unknown, path: string, issues: ValidationIssue[]): void {
  issues.push({ path, message: `expected ${expected}, got ${describeValue(value)}` });
}

function checkString(value: unknown, path: string, issues: ValidationIssue[]): boolean {
  if (typeof value !== "string") return false;
  const problem = stringProblem(value);
  if (problem) issues.push({ path, message: problem });
  return true;
}

function check(k: KnownValidator, value: unknown, path: string, issues: ValidationIssue[]): void {
  switch (k.kind) {
    case "string":
      if (!checkString(value, path, issues)) mismatch("string", value, path, issues);
      return;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) mismatch("number", value, path, issues);
      return;
    case "int64":
      if (typeof value !== "bigint") mismatch("int64 (bigint)", value, path, issues);
      else if (value < INT64_MIN || value > INT64_MAX) {
        issues.push({ path, message: "expected int64, got bigint outside the 64-bit range" });
      }
      return;
    case "boolean":
      if (typeof value !== "boolean") mismatch("boolean", value, path, issues);
      return;
    case "null":
      if (value !== null) mismatch("null", value, path, issues);
      return;
    case "bytes":
      if (!(value instanceof ArrayBuffer)) mismatch("ArrayBuffer", value, path, issues);
      return;
    case "any":
      checkStorable(value, path, issues);
      return;
    case "id":
      if (!isDocumentId(value)) mismatch(describeValidator(k), value, path, issues);
      return;
    case "literal":
      if (value !== k.value) mismatch(describeValidator(k), value, path, issues);
      return;
    case "union":
      checkUnion(k.members, value, path, issues);
      return;
    case "array":
      if (!Array.isArray(value)) {
        mismatch("array", value, path, issues);
        return;
      }
      value.forEach((element, i) => {
        check(known(k.element), element, `${path}[${i}]`, issues);
      });
      return;
    case "object":
      checkObject(k.fields, value, path, issues);
      return;
    case "record":
      if (!isPlainObject(value)) {
        mismatch("record", value, path, issues);
        return;
      }
      for (const [key, element] of Object.entries(value)) {
        const at = childPath(path, key);
        if (key.startsWith("$")) {
          issues.push({ path: at, message: 'keys starting with "$" are reserved' });
          continue;
        }
        const keyIssues: ValidationIssue[] = [];
        check(known(k.keys), key, at, keyIssues);
        if (keyIssues.length > 0) {
          issues.push({ path: at, message: `key expected ${describeValidator(k.keys)}` });
          continue;
        }
        check(known(k.values), element, at, issues);
      }
      return;
  }
}

function checkObject(
  fields: Record<string, Validator>,
  value: unknown,
  path: string,
  issues: ValidationIssue[],
): void {
  if (!isPlainObject(value)) {
    mismatch("object", value, path, issues);
    return;
  }
  for (const [name, field] of Object.entries(fields)) {
    const at = childPath(path, name);
    const fieldValue = Object.hasOwn(value, name) ? value[name] : undefined;
    if (fieldValue === undefined) {
      if (!field.isOptional) issues.push({ path: at, message: "required field is missing" });
      continue;
    }
    check(known(field), fieldValue, at, issues);
  }
  for (const name of Object.keys(value)) {
    if (!Object.hasOwn(fields, name))
      issues.push({ path: childPath(path, name), message: "unexpected field" });
  }
}

// The JavaScript shape a validator can accept, to find the one union member worth reporting.
function shapeOf(k: KnownValidator): string | undefined {
  switch (k.kind) {
    case "id":
      return "string";
    case "literal":
      return typeof k.value;
    case "int64":
      return "bigint";
    case "bytes":
      return "ArrayBuffer";
    case "union":
    case "any":
      return undefined;
    case "record":
      return "object";
    default:
      return k.kind;
  }
}

function checkUnion(members: readonly Validator[], value: unknown, path: string, issues: ValidationIssue[]) {
  const memberIssues = members.map((m) => {
    const found: ValidationIssue[] = [];
    check(known(m), value, path, found);
    return found;
  });
  if (memberIssues.some((found) => found.length === 0)) return;
  // When exactly one structural member (object, array, record) fits the value's shape, or
  // one object member's literal fields (a discriminator) match, that member's own issues
  // point at the real problem; otherwise list what would have been accepted.
  const shape = describeValue(value);
  let candidates = members.flatMap((m, i) => {
    const kind = known(m).kind;
    const structural = kind === "object" || kind === "array" || kind === "record";
    return structural && shapeOf(known(m)) === shape ? [i] : [];
  });
  if (candidates.length > 1 && isPlainObject(value)) {
    candidates = candidates.filter((i) => discriminatorsMatch(known(members[i]!), value));
  }
  if (candidates.length === 1) {
    issues.push(...memberIssues[candidates[0]!]!);
    return;
  }
  mismatch(members.map(describeValidator).join(" | "), value, path, issues);
}

function discriminatorsMatch(k: KnownValidator, value: Record<string, unknown>): boolean {
  if (k.kind !== "object") return false;
  const literals = Object.entries(k.fields).filter(([, f]) => known(f).kind === "literal");
  return (
    literals.length > 0 &&
    literals.every(([name, f]) => {
      const lit = known(f);
      return lit.kind === "literal" && value[name] === lit.value;
    })
  );
}

function checkStorable(value: unknown, path: string, issues: ValidationIssue[]): void {
  if (value === null || typeof value === "boolean" || value instanceof ArrayBuffer) return;
  if (checkString(value, path, issues)) return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) mismatch("a storable value", value, path, issues);
    return;
  }
  if (typeof value === "bigint") {
    if (value < INT64_MIN || value > INT64_MAX) {
      issues.push({ path, message: "expected int64, got bigint outside the 64-bit range" });
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((element, i) => {
      if (element === undefined) issues.push({ path: `${path}[${i}]`, message: "undefined is not storable" });
      else checkStorable(element, `${path}[${i}]`, issues);
    });
    return;
  }
  if (isPlainObject(value)) {
    for (const [key, element] of Object.entries(value)) {
      const at = childPath(path, key);
      if (key.startsWith("$")) issues.push({ path: at, message: 'keys starting with "$" are reserved' });
      else if (element !== undefined) checkStorable(element, at, issues);
    }
    return;
  }
  mismatch("a storable value", value, path, issues);
}
