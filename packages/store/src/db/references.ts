import { childPath, type KnownValidator, type Validator } from "@orrery/schema";

// Every validator `v` builds is one of the known kinds.
const known = (validator: Validator) => validator as KnownValidator;

export interface IdReference {
  readonly table: string;
  readonly id: string;
  readonly path: string;
}

/**
 * The `v.id("t")` values inside a validated value, with their paths. Writes check each one
 * exists: there are no database foreign keys (Vitess has none), so the store enforces them.
 */
export function collectIdReferences(validator: Validator, value: unknown, path: string): IdReference[] {
  const found: IdReference[] = [];
  visit(known(validator), value, path, found);
  return found;
}

function visit(validator: KnownValidator, value: unknown, path: string, found: IdReference[]): void {
  if (value === undefined) return;
  switch (validator.kind) {
    case "id":
      if (typeof value === "string") found.push({ table: validator.tableName, id: value, path });
      return;
    case "array":
      if (Array.isArray(value)) {
        for (const [i, item] of value.entries())
          visit(known(validator.element), item, `${path}[${i}]`, found);
      }
      return;
    case "object":
      if (value && typeof value === "object") {
        for (const [key, field] of Object.entries(validator.fields)) {
          visit(known(field), (value as Record<string, unknown>)[key], childPath(path, key), found);
        }
      }
      return;
    case "record":
      if (value && typeof value === "object") {
        for (const [key, item] of Object.entries(value))
          visit(known(validator.values), item, childPath(path, key), found);
      }
      return;
    case "union": {
      // An id in a union counts when the value is an id-shaped member's string.
      for (const member of validator.members) {
        const before = found.length;
        visit(known(member), value, path, found);
        if (found.length > before) return;
      }
      return;
    }
    case "string":
    case "number":
    case "int64":
    case "boolean":
    case "null":
    case "bytes":
    case "any":
    case "literal":
      return;
    default:
      validator satisfies never;
  }
}
