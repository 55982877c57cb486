import path from "node:path";
import ts from "typescript";
import type { LintProject } from "./project";
import { asFunctionWithBody, type FunctionWithBody, skipWrappers } from "./syntax";

export type FunctionKind = "query" | "mutation" | "action";

/** An exported `query` / `mutation` / `action` of the app, e.g. "orders:upsert". */
export interface AppFunction {
  readonly name: string;
  readonly kind: FunctionKind;
  /** The `async ({ ctx, args }) => ...` passed to `.query(...)` / `.mutation(...)` / `.action(...)`. */
  readonly handler: FunctionWithBody;
  /** The exported name, where messages point back to. */
  readonly declaredAt: ts.Node;
}

const KINDS: ReadonlySet<string> = new Set<FunctionKind>(["query", "mutation", "action"]);

/** Every `export const name = query...query(handler)` (and the like) in the functions folder. */
export function findAppFunctions(project: LintProject): AppFunction[] {
  const found: AppFunction[] = [];
  for (const file of project.functionFiles) {
    const module = modulePath(project.functionsDir, file.fileName);
    for (const statement of file.statements) {
      if (!ts.isVariableStatement(statement) || !isExported(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name) || !declaration.initializer) continue;
        const definition = readDefinition(project.checker, declaration.initializer);
        if (definition)
          found.push({
            name: `${module}:${declaration.name.text}`,
            ...definition,
            declaredAt: declaration.name,
          });
      }
    }
  }
  return found;
}

/** "orders" for orders.ts, "admin/users" for admin/users.ts: the module part of a function name. */
function modulePath(functionsDir: string, fileName: string): string {
  return path
    .relative(functionsDir, fileName)
    .replace(/\.[^./\\]+$/, "")
    .split(path.sep)
    .join("/");
}

function isExported(statement: ts.VariableStatement): boolean {
  return statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
}

/**
 * `builder.query(handler)` and its kind. The kind comes from the definition's type (its `kind`
 * property), so `ctx.db.query("tasks")` or a user's own `.query()` is never mistaken for one;
 * when the type is unknown (unresolved imports, plain JavaScript) the method name decides.
 */
function readDefinition(
  checker: ts.TypeChecker,
  initializer: ts.Expression,
): { kind: FunctionKind; handler: FunctionWithBody } | undefined {
  const call = skipWrappers(initializer);
  if (!ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression)) return undefined;
  const method = call.expression.name.text;
  if (!KINDS.has(method)) return undefined;
  const handler = resolveFunction(checker, call.arguments[0]);
  if (!handler) return undefined;
  const kind = kindFromType(checker, call) ?? (method as FunctionKind);
  return { kind, handler };
}

function kindFromType(checker: ts.TypeChecker, call: ts.CallExpression): FunctionKind | undefined {
  const kindProperty = checker.getTypeAtLocation(call).getProperty("kind");
  if (!kindProperty) return undefined;
  const kindType = checker.getTypeOfSymbol(kindProperty);
  return kindType.isStringLiteral() && KINDS.has(kindType.value)
    ? (kindType.value as FunctionKind)
    : undefined;
}

/** The handler written in place, or declared elsewhere and passed by name (`.query(listTasks)`). */
function resolveFunction(
  checker: ts.TypeChecker,
  argument: ts.Expression | undefined,
): FunctionWithBody | undefined {
  if (!argument) return undefined;
  const inPlace = asFunctionWithBody(argument);
  if (inPlace) return inPlace;
  let symbol = checker.getSymbolAtLocation(skipWrappers(argument));
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  for (const declaration of symbol?.declarations ?? []) {
    const fn = asFunctionWithBody(
      ts.isVariableDeclaration(declaration) ? declaration.initializer : declaration,
    );
    if (fn) return fn;
  }
  return undefined;
}
