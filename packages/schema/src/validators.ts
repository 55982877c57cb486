import type { Id } from "./types";

export type ValidatorKind =
  | "string"
  | "number"
  | "int64"
  | "boolean"
  | "null"
  | "id"
  | "literal"
  | "union"
  | "array"
  | "object"
  | "record"
  | "bytes"
  | "any";

/** The values `v.literal` accepts. */
export type LiteralValue = string | number | boolean | bigint;

/** A literal as it appears in JSON: bigints are tagged so the description stays serialisable. */
export type LiteralJSON = string | number | boolean | { $int64: string };

/** The plain, serialisable description of a validator. `isOptional` appears only when true. */
export type ValidatorJSON = (
  | { kind: "string" | "number" | "int64" | "boolean" | "null" | "bytes" | "any" }
  | { kind: "id"; tableName: string }
  | { kind: "literal"; value: LiteralJSON }
  | { kind: "union"; members: ValidatorJSON[] }
  | { kind: "array"; element: ValidatorJSON }
  | { kind: "object"; fields: Record<string, ValidatorJSON> }
  | { kind: "record"; keys: ValidatorJSON; values: ValidatorJSON }
) & { isOptional?: true };

/**
 * The base shape of every validator. `__type` is phantom: it is always `undefined` at run
 * time and exists only so `Infer` can read the validated type.
 */
export interface Validator<
  T = unknown,
  Opt extends boolean = boolean,
  K extends ValidatorKind = ValidatorKind,
> {
  readonly kind: K;
  readonly isOptional: Opt;
  readonly __type: T;
  toJSON(): ValidatorJSON;
}

export type PropertyValidators = Record<string, Validator>;

export interface StringValidator<Opt extends boolean = false> extends Validator<string, Opt, "string"> {}
export interface NumberValidator<Opt extends boolean = false> extends Validator<number, Opt, "number"> {}
export interface Int64Validator<Opt extends boolean = false> extends Validator<bigint, Opt, "int64"> {}
export interface BooleanValidator<Opt extends boolean = false> extends Validator<boolean, Opt, "boolean"> {}
export interface NullValidator<Opt extends boolean = false> extends Validator<null, Opt, "null"> {}
export interface BytesValidator<Opt extends boolean = false> extends Validator<ArrayBuffer, Opt, "bytes"> {}
export interface AnyValidator<Opt extends boolean = false> extends Validator<unknown, Opt, "any"> {}

export interface IdValidator<TableName extends string = string, Opt extends boolean = false>
  extends Validator<Id<TableName>, Opt, "id"> {
  readonly tableName: TableName;
}

export interface LiteralValidator<L extends LiteralValue = LiteralValue, Opt extends boolean = false>
  extends Validator<L, Opt, "literal"> {
  readonly value: L;
}

export interface UnionValidator<
  Members extends readonly Validator[] = readonly Validator[],
  Opt extends boolean = false,
> extends Validator<Infer<Members[number]>, Opt, "union"> {
  readonly members: Members;
}

export interface ArrayValidator<E extends Validator = Validator, Opt extends boolean = false>
  extends Validator<Infer<E>[], Opt, "array"> {
  readonly element: E;
}

export interface ObjectValidator<
  F extends PropertyValidators = PropertyValidators,
  Opt extends boolean = false,
> extends Validator<ObjectType<F>, Opt, "object"> {
  readonly fields: F;
}

export interface RecordValidator<
  Keys extends Validator = Validator,
  Values extends Validator = Validator,
  Opt extends boolean = false,
> extends Validator<Record<Infer<Keys> & string, Infer<Values>>, Opt, "record"> {
  readonly keys: Keys;
  readonly values: Values;
}

/** Every concrete validator, discriminated by `kind`; used where code switches on the kind. */
export type KnownValidator =
  | StringValidator<boolean>
  | NumberValidator<boolean>
  | Int64Validator<boolean>
  | BooleanValidator<boolean>
  | NullValidator<boolean>
  | BytesValidator<boolean>
  | AnyValidator<boolean>
  | IdValidator<string, boolean>
  | LiteralValidator<LiteralValue, boolean>
  | UnionValidator<readonly Validator[], boolean>
  | ArrayValidator<Validator, boolean>
  | ObjectValidator<PropertyValidators, boolean>
  | RecordValidator<Validator, Validator, boolean>;

/** The TypeScript type a validator accepts. */
export type Infer<V> = V extends { readonly __type: infer T } ? T : never;

type Expand<T> = T extends object ? { [K in keyof T]: T[K] } : T;

type OptionalKeys<F extends PropertyValidators> = {
  [K in keyof F]: F[K]["isOptional"] extends true ? K : never;
}[keyof F];
type RequiredKeys<F extends PropertyValidators> = Exclude<keyof F, OptionalKeys<F>>;

/** The document type of an object's fields: optional validators become optional keys. */
export type ObjectType<F extends PropertyValidators> = Expand<
  { [K in OptionalKeys<F>]?: Infer<F[K]> } & { [K in RequiredKeys<F>]: Infer<F[K]> }
>;

/** `V` with `isOptional: true`, keeping its kind and its other properties. */
export type OptionalOf<V extends Validator> = Expand<Omit<V, "isOptional"> & { readonly isOptional: true }>;

/** Narrows the base type to the discriminated union (every validator built by `v` is one). */
export function known(validator: Validator): KnownValidator {
  return validator as KnownValidator;
}

export function isValidator(x: unknown): x is Validator {
  if (typeof x !== "object" || x === null) return false;
  const candidate = x as { kind?: unknown; isOptional?: unknown; toJSON?: unknown };
  return (
    typeof candidate.kind === "string" &&
    VALIDATOR_KINDS.has(candidate.kind) &&
    typeof candidate.isOptional === "boolean" &&
    typeof candidate.toJSON === "function"
  );
}

const VALIDATOR_KINDS: ReadonlySet<string> = new Set<ValidatorKind>([
  "string",
  "number",
  "int64",
  "boolean",
  "null",
  "id",
  "literal",
  "union",
  "array",
  "object",
  "record",
  "bytes",
  "any",
]);

/** The serialisable description of any validator. */
export function validatorToJSON(validator: Validator): ValidatorJSON {
  const k = known(validator);
  const optional: { isOptional?: true } = k.isOptional ? { isOptional: true } : {};
  switch (k.kind) {
    case "id":
      return { kind: "id", tableName: k.tableName, ...optional };
    case "literal":
      return {
        kind: "literal",
        value: typeof k.value === "bigint" ? { $int64: k.value.toString() } : k.value,
        ...optional,
      };
    case "union":
      return { kind: "union", members: k.members.map(validatorToJSON), ...optional };
    case "array":
      return { kind: "array", element: validatorToJSON(k.element), ...optional };
    case "object": {
      const fields: Record<string, ValidatorJSON> = {};
      for (const [name, field] of Object.entries(k.fields)) fields[name] = validatorToJSON(field);
      return { kind: "object", fields, ...optional };
    }
    case "record":
      return {
        kind: "record",
        keys: validatorToJSON(k.keys),
        values: validatorToJSON(k.values),
        ...optional,
      };
    default:
      return { kind: k.kind, ...optional };
  }
}
