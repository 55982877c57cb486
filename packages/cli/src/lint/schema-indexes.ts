import { existsSync, readFileSync } from "node:fs";
import ts from "typescript";
import { stringLiteralValue } from "./syntax";

export interface IndexDefinition {
  readonly name: string;
  readonly fields: readonly string[];
}

/** Table name → its indexes, the implicit `by_creation_time` included. */
export type SchemaIndexes = ReadonlyMap<string, readonly IndexDefinition[]>;

const CREATION_TIME_INDEX: IndexDefinition = { name: "by_creation_time", fields: ["_creationTime"] };

/**
 * Reads the indexes from the schema's source, without running it: the tables of
 * `defineSchema({ ... })` and their `.index("name", ["field", ...])` calls. A table written as a
 * variable (`tasks: tasksTable`) is looked up among the file's top-level consts.
 * Undefined when the file is missing or has no `defineSchema({ ... })`.
 */
export function readSchemaIndexes(schemaFile: string): SchemaIndexes | undefined {
  if (!existsSync(schemaFile)) return undefined;
  const source = ts.createSourceFile(
    schemaFile,
    readFileSync(schemaFile, "utf8"),
    ts.ScriptTarget.Latest,
    true,
  );
  const consts = topLevelConsts(source);
  const tables = findDefineSchemaArgument(source);
  if (!tables) return undefined;
  const indexes = new Map<string, IndexDefinition[]>();
  for (const property of tables.properties) {
    const table =
      property.name &&
      (ts.isIdentifier(property.name) ? property.name.text : stringLiteralValue(property.name));
    if (!table) continue;
    const definition = ts.isPropertyAssignment(property)
      ? property.initializer
      : ts.isShorthandPropertyAssignment(property)
        ? property.name
        : undefined;
    indexes.set(table, [CREATION_TIME_INDEX, ...(definition ? indexCalls(definition, consts) : [])]);
  }
  return indexes;
}

function findDefineSchemaArgument(source: ts.SourceFile): ts.ObjectLiteralExpression | undefined {
  let found: ts.ObjectLiteralExpression | undefined;
  const search = (node: ts.Node): void => {
    if (found) return;
    const argument = ts.isCallExpression(node) ? node.arguments[0] : undefined;
    if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === "defineSchema" &&
      argument &&
      ts.isObjectLiteralExpression(argument)
    )
      found = argument;
    else ts.forEachChild(node, search);
  };
  search(source);
  return found;
}

/** `.index(...)` calls along a `defineTable(...).index(...).global()` chain, outermost last. */
function indexCalls(
  definition: ts.Expression,
  consts: ReadonlyMap<string, ts.Expression>,
): IndexDefinition[] {
  const found: IndexDefinition[] = [];
  const followed = new Set<string>();
  let current: ts.Expression | undefined = definition;
  while (current) {
    if (ts.isIdentifier(current)) {
      // A variable once (`const base = defineTable(...)`); never round in circles.
      if (followed.has(current.text)) break;
      followed.add(current.text);
      current = consts.get(current.text);
    } else if (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression)) {
      const index = current.expression.name.text === "index" ? readIndex(current) : undefined;
      if (index) found.unshift(index);
      current = current.expression.expression;
    } else if (ts.isParenthesizedExpression(current) || ts.isAsExpression(current)) {
      current = current.expression;
    } else {
      break;
    }
  }
  return found;
}

function readIndex(call: ts.CallExpression): IndexDefinition | undefined {
  const [nameArgument, fieldsArgument] = call.arguments;
  const name = stringLiteralValue(nameArgument);
  if (!name || !fieldsArgument || !ts.isArrayLiteralExpression(fieldsArgument)) return undefined;
  const fields = fieldsArgument.elements.map(stringLiteralValue);
  return fields.every((field) => field !== undefined) ? { name, fields: fields as string[] } : undefined;
}

function topLevelConsts(source: ts.SourceFile): Map<string, ts.Expression> {
  const consts = new Map<string, ts.Expression>();
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations)
      if (ts.isIdentifier(declaration.name) && declaration.initializer)
        consts.set(declaration.name.text, declaration.initializer);
  }
  return consts;
}
