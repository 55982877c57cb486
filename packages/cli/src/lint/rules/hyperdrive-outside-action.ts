import ts from "typescript";
import type { ReachStep } from "../call-graph";
import type { LintRule } from "../rule";
import { boundPropertyName, stringLiteralValue } from "../syntax";
import { reportReachedSites } from "./reached-from";

/**
 * `ctx.sql` (Hyperdrive) from a query or mutation. The types already leave `sql` off their ctx,
 * so this catches what slips past them: a cast, an `any`, a helper typed with `ActionCtx`.
 */
export const hyperdriveOutsideAction: LintRule = {
  name: "hyperdrive_outside_action",
  severity: "error",
  summary: "ctx.sql (Hyperdrive) reached from a query or mutation, directly or through helpers in any file",
  check(context) {
    const checker = context.project.checker;
    reportReachedSites(
      context,
      (node, step) => (isSqlRead(checker, node, step) ? { site: node, what: "ctx.sql" } : undefined),
      () =>
        "ctx.sql exists only in actions (queries and mutations must be deterministic): read it in an action and write the rows with ctx.runMutation",
    );
  },
};

/**
 * `ctx.sql`, `ctx["sql"]` or `{ sql }` taken from the handler's ctx (however it got here), or a
 * `.sql` the checker resolves to `ActionCtx.sql`. An unrelated `.sql` (a statement object's
 * text, say) is neither, so it is left alone.
 */
function isSqlRead(checker: ts.TypeChecker, node: ts.Node, step: ReachStep): boolean {
  if (ts.isPropertyAccessExpression(node) && node.name.text === "sql")
    return step.holdsCtx(node.expression) || isActionCtxMember(checker.getSymbolAtLocation(node.name));
  if (ts.isElementAccessExpression(node) && stringLiteralValue(node.argumentExpression) === "sql")
    return step.holdsCtx(node.expression);
  if (
    ts.isBindingElement(node) &&
    boundPropertyName(node) === "sql" &&
    ts.isObjectBindingPattern(node.parent)
  )
    return step.destructuresCtx(node.parent);
  return false;
}

function isActionCtxMember(symbol: ts.Symbol | undefined): boolean {
  return (
    symbol?.declarations?.some(
      (declaration) =>
        ts.isInterfaceDeclaration(declaration.parent) && declaration.parent.name.text === "ActionCtx",
    ) ?? false
  );
}
