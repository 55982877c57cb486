import ts from "typescript";
import type { LintRule } from "../rule";
import { dottedName } from "../syntax";
import { reportReachedSites } from "./reached-from";

/** Calls whose result changes from run to run, by the name they are called with. */
const NONDETERMINISTIC_CALLS: ReadonlyMap<string, "time" | "random" | "network"> = new Map([
  ["Date", "time"],
  ["Date.now", "time"],
  ["performance.now", "time"],
  ["Math.random", "random"],
  ["crypto.randomUUID", "random"],
  ["crypto.getRandomValues", "random"],
  // The same, imported by name: `import { randomUUID } from "node:crypto"`.
  ["randomUUID", "random"],
  ["getRandomValues", "random"],
  ["randomBytes", "random"],
  ["randomInt", "random"],
  ["fetch", "network"],
]);

const GLOBAL_OBJECT = /^(globalThis|self|window)\./;

/**
 * A query is re-run whenever what it read changes, and a mutation whenever its commit conflicts:
 * both must compute the same result from the same reads. The clock, randomness and the network
 * do not, so they belong in actions.
 */
export const nondeterministicQuery: LintRule = {
  name: "nondeterministic_query",
  severity: "error",
  summary:
    "Date.now(), new Date(), Math.random(), crypto.randomUUID(), fetch(...) reached from a query or mutation",
  check(context) {
    const checker = context.project.checker;
    reportReachedSites(
      context,
      (node) => {
        const what = nondeterministicCall(checker, node);
        return what ? { site: node, what } : undefined;
      },
      (what) =>
        what.startsWith("fetch")
          ? "queries and mutations must be deterministic (they are re-run): fetch in an action and pass the result to ctx.runMutation"
          : "queries and mutations must be deterministic (they are re-run): take the value as an argument, or compute it in an action",
    );
  },
};

/** "Date.now()" when `node` calls a nondeterministic global; a local function of that name is not one. */
function nondeterministicCall(checker: ts.TypeChecker, node: ts.Node): string | undefined {
  if (ts.isNewExpression(node)) {
    const isClock =
      dottedName(node.expression)?.replace(GLOBAL_OBJECT, "") === "Date" &&
      (node.arguments?.length ?? 0) === 0;
    return isClock && isFromLibrary(checker, node.expression) ? "new Date()" : undefined;
  }
  if (!ts.isCallExpression(node)) return undefined;
  const name = dottedName(node.expression)?.replace(GLOBAL_OBJECT, "");
  if (!name || !NONDETERMINISTIC_CALLS.has(name)) return undefined;
  return isFromLibrary(checker, node.expression) ? `${name}()` : undefined;
}

/**
 * The chain's first name is a global or an import from a library (declared only in .d.ts files,
 * or not declared at all), not something the app defines itself.
 */
function isFromLibrary(checker: ts.TypeChecker, expression: ts.Expression): boolean {
  let root = expression;
  while (ts.isPropertyAccessExpression(root)) root = root.expression;
  if (ts.isIdentifier(root) && GLOBAL_OBJECT.test(`${root.text}.`)) return true;
  let symbol = checker.getSymbolAtLocation(root);
  if (!symbol) return true;
  if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return (symbol.declarations ?? []).every((declaration) => declaration.getSourceFile().isDeclarationFile);
}
