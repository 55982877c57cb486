import ts from "typescript";
import type { LintRule } from "../rule";
import type { IndexDefinition } from "../schema-indexes";
import { stringLiteralValue } from "../syntax";

/**
 * `ctx.db.query("t").filter(...)` without `.withIndex(...)` reads every row of `t` (and, in a
 * query, makes every write to `t` invalidate it). When the filter pins a field with `q.eq`, an
 * index on that field can do the same work reading only the matching rows.
 */
export const filterWithoutIndex: LintRule = {
  name: "filter_without_index",
  severity: "warning",
  summary: '.filter(q => q.eq(q.field("f"), ...)) on ctx.db.query("t") with no .withIndex: a full table scan',
  check(context) {
    const checker = context.project.checker;
    for (const file of context.project.functionFiles) {
      const visit = (node: ts.Node): void => {
        const scan = ts.isCallExpression(node) ? unindexedFilter(checker, node) : undefined;
        if (scan) {
          const fields = equalityFields(scan.predicate);
          if (fields.length > 0)
            context.report(scan.filterName, advise(scan.table, fields, context.schema?.get(scan.table)));
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
    }
  },
};

function advise(
  table: string,
  fields: readonly string[],
  indexes: readonly IndexDefinition[] | undefined,
): string {
  const scan = `.filter on "${table}" without .withIndex reads the whole table`;
  if (fields.includes("_id")) return `${scan}: to read one document by id, use ctx.db.get("${table}", id)`;
  for (const field of fields) {
    const index = indexes?.find((candidate) => candidate.fields[0] === field);
    if (index) return `${scan}: use .withIndex("${index.name}", (q) => q.eq("${field}", …))`;
  }
  const [field] = fields;
  if (!indexes) return `${scan}: query an index whose first field is "${field}" with .withIndex(...)`;
  return `${scan}: add .index("by_${field}", ["${field}"]) to "${table}" in the schema and use .withIndex("by_${field}", (q) => q.eq("${field}", …))`;
}

/** For `<chain>.filter(predicate)` whose chain starts at `db.query("t")` with no `.withIndex`. */
function unindexedFilter(
  checker: ts.TypeChecker,
  call: ts.CallExpression,
): { table: string; predicate: ts.Node; filterName: ts.Node } | undefined {
  const callee = call.expression;
  const predicate = call.arguments[0];
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== "filter" || !predicate) return undefined;
  let receiver = callee.expression;
  while (ts.isCallExpression(receiver) && ts.isPropertyAccessExpression(receiver.expression)) {
    const method = receiver.expression.name.text;
    if (method === "withIndex" || method === "withSearchIndex") return undefined;
    if (method === "query") {
      const table = stringLiteralValue(receiver.arguments[0]);
      return table && isDatabaseQuery(checker, receiver.expression)
        ? { table, predicate, filterName: callee.name }
        : undefined;
    }
    receiver = receiver.expression.expression;
  }
  return undefined;
}

/**
 * `.query` of the store's database (declared on `TableReaderOf`, which `DatabaseReader` extends,
 * or on a `Database*` type), or of a `.db` when types are unavailable.
 */
function isDatabaseQuery(checker: ts.TypeChecker, access: ts.PropertyAccessExpression): boolean {
  const declarations = checker.getSymbolAtLocation(access.name)?.declarations;
  if (declarations?.length)
    return declarations.some((declaration) => {
      const owner = declaration.parent;
      return (
        (ts.isInterfaceDeclaration(owner) || ts.isClassDeclaration(owner)) &&
        /^(Database|TableReaderOf$)/.test(owner.name?.text ?? "")
      );
    });
  return ts.isPropertyAccessExpression(access.expression) && access.expression.name.text === "db";
}

/** Fields the predicate requires equal to something: `q.eq(q.field("f"), x)`, also inside `q.and`. */
function equalityFields(predicate: ts.Node): string[] {
  const fields: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      // Under `or` / `not` a field is not pinned, so no index on it narrows the scan.
      if (method === "or" || method === "not") return;
      if (method === "eq")
        for (const operand of node.arguments) {
          const field = fieldName(operand);
          if (field && !fields.includes(field)) fields.push(field);
        }
    }
    ts.forEachChild(node, visit);
  };
  visit(predicate);
  return fields;
}

function fieldName(node: ts.Expression): string | undefined {
  return ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    node.expression.name.text === "field"
    ? stringLiteralValue(node.arguments[0])
    : undefined;
}
