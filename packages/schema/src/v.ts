import {
  type AnyValidator,
  type ArrayValidator,
  type BooleanValidator,
  type BytesValidator,
  type IdValidator,
  type Int64Validator,
  isValidator,
  known,
  type LiteralValidator,
  type LiteralValue,
  type NullValidator,
  type NumberValidator,
  type ObjectValidator,
  type OptionalOf,
  type PropertyValidators,
  type RecordValidator,
  type StringValidator,
  type UnionValidator,
  type Validator,
  validatorToJSON,
} from "./validators";

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

type Props<V extends Validator> = Omit<V, "__type" | "toJSON">;

function make<V extends Validator>(props: Props<V>): V {
  const validator = {
    ...props,
    // Phantom: carries the inferred type, never a value.
    __type: undefined,
    toJSON: () => validatorToJSON(validator as unknown as Validator),
  };
  return Object.freeze(validator) as unknown as V;
}

// Optional only makes sense for a key that may be absent; inside arrays, unions and record
// values there is no "absent", and JSON could not represent `undefined` there anyway.
function requireNotOptional(validator: unknown, where: string): void {
  if (!isValidator(validator)) throw new TypeError(`${where} must be a validator built with v.*`);
  if (validator.isOptional) {
    throw new TypeError(`${where} cannot be v.optional(...); optional is only allowed for object fields`);
  }
}

function checkLiteral(value: unknown): void {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new TypeError(`v.literal: ${value} is not a finite number`);
  }
  if (typeof value === "bigint" && (value < INT64_MIN || value > INT64_MAX)) {
    throw new TypeError(`v.literal: ${value} is outside the int64 range`);
  }
  if (!["string", "number", "boolean", "bigint"].includes(typeof value)) {
    throw new TypeError("v.literal accepts a string, number, boolean or bigint");
  }
}

function isStringKeyValidator(validator: Validator): boolean {
  const k = known(validator);
  if (k.kind === "string" || k.kind === "id") return true;
  if (k.kind === "literal") return typeof k.value === "string";
  if (k.kind === "union") return k.members.every(isStringKeyValidator);
  return false;
}

export const v = {
  string: (): StringValidator => make<StringValidator>({ kind: "string", isOptional: false }),
  /** A finite float64. */
  number: (): NumberValidator => make<NumberValidator>({ kind: "number", isOptional: false }),
  /** A signed 64-bit integer, as a bigint. */
  int64: (): Int64Validator => make<Int64Validator>({ kind: "int64", isOptional: false }),
  boolean: (): BooleanValidator => make<BooleanValidator>({ kind: "boolean", isOptional: false }),
  null: (): NullValidator => make<NullValidator>({ kind: "null", isOptional: false }),
  /** An ArrayBuffer. */
  bytes: (): BytesValidator => make<BytesValidator>({ kind: "bytes", isOptional: false }),
  /** Any storable value: JSON values plus bigint and ArrayBuffer. */
  any: (): AnyValidator => make<AnyValidator>({ kind: "any", isOptional: false }),

  id: <TableName extends string>(tableName: TableName): IdValidator<TableName> => {
    if (typeof tableName !== "string" || tableName.length === 0) {
      throw new TypeError("v.id needs a table name");
    }
    return make<IdValidator<TableName>>({ kind: "id", isOptional: false, tableName });
  },

  literal: <const L extends LiteralValue>(value: L): LiteralValidator<L> => {
    checkLiteral(value);
    return make<LiteralValidator<L>>({ kind: "literal", isOptional: false, value });
  },

  union: <const Members extends readonly Validator<unknown, false>[]>(
    ...members: Members
  ): UnionValidator<Members> => {
    if (members.length === 0) throw new TypeError("v.union needs at least one member");
    members.forEach((m, i) => {
      requireNotOptional(m, `v.union member ${i}`);
    });
    return make<UnionValidator<Members>>({ kind: "union", isOptional: false, members });
  },

  optional: <V extends Validator<unknown, boolean>>(validator: V): OptionalOf<V> => {
    if (!isValidator(validator)) throw new TypeError("v.optional needs a validator built with v.*");
    const { __type: _phantom, toJSON: _toJSON, isOptional: _optional, ...rest } = validator;
    return make<Validator>({ ...rest, isOptional: true }) as unknown as OptionalOf<V>;
  },

  array: <E extends Validator<unknown, false>>(element: E): ArrayValidator<E> => {
    requireNotOptional(element, "v.array element");
    return make<ArrayValidator<E>>({ kind: "array", isOptional: false, element });
  },

  object: <F extends PropertyValidators>(fields: F): ObjectValidator<F> => {
    for (const [name, field] of Object.entries(fields)) {
      if (name.length === 0 || name.startsWith("$")) {
        throw new TypeError(`v.object: field name "${name}" is empty or starts with "$" (reserved)`);
      }
      if (!isValidator(field)) throw new TypeError(`v.object: field "${name}" is not a validator`);
    }
    return make<ObjectValidator<F>>({
      kind: "object",
      isOptional: false,
      fields: Object.freeze({ ...fields }),
    });
  },

  record: <Keys extends Validator<unknown, false>, Values extends Validator<unknown, false>>(
    keys: Keys,
    values: Values,
  ): RecordValidator<Keys, Values> => {
    requireNotOptional(keys, "v.record keys");
    requireNotOptional(values, "v.record values");
    if (!isStringKeyValidator(keys)) {
      throw new TypeError("v.record keys must be v.string(), v.id(...) or string literals");
    }
    return make<RecordValidator<Keys, Values>>({ kind: "record", isOptional: false, keys, values });
  },
};
