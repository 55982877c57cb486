import { known, type LiteralValue, type Validator } from "./validators";

/** How a column's values are converted between JavaScript and SQL. */
export type Codec = "text" | "id" | "float" | "int64" | "boolean" | "json" | "bytes";

function literalCodec(value: LiteralValue): Codec {
  switch (typeof value) {
    case "string":
      return "text";
    case "number":
      return "float";
    case "bigint":
      return "int64";
    default:
      return "boolean";
  }
}

/**
 * The codec of a field's column. Scalars get a typed column; a union gets one only when all
 * members are literals of one primitive type (an enum); everything else is stored as JSON.
 * `v.optional(x)` has the codec of `x` (the column is nullable).
 */
export function fieldCodec(validator: Validator): Codec {
  const k = known(validator);
  switch (k.kind) {
    case "string":
      return "text";
    case "id":
      return "id";
    case "number":
      return "float";
    case "int64":
      return "int64";
    case "boolean":
      return "boolean";
    case "bytes":
      return "bytes";
    case "literal":
      return literalCodec(k.value);
    case "union": {
      const codecs = new Set(
        k.members.map((m) => {
          const member = known(m);
          return member.kind === "literal" ? literalCodec(member.value) : "json";
        }),
      );
      const [only] = codecs;
      return codecs.size === 1 && only !== undefined ? only : "json";
    }
    default:
      return "json";
  }
}

/** Index keys must be plain ordered scalars: JSON and bytes columns cannot be indexed. */
export function isIndexableCodec(codec: Codec): boolean {
  return codec !== "json" && codec !== "bytes";
}
