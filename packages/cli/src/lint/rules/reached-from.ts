import type ts from "typescript";
import type { AppFunction } from "../app-functions";
import { type ReachStep, walkReachable } from "../call-graph";
import type { RuleContext } from "../rule";

/**
 * Runs `find` over everything each query and mutation can reach and reports each site once,
 * naming the first function that reaches it (and how many others do): one shared helper
 * called from ten mutations is one problem to fix, not ten.
 */
export function reportReachedSites(
  context: RuleContext,
  find: (node: ts.Node, step: ReachStep) => { site: ts.Node; what: string } | undefined,
  advice: (what: string) => string,
): void {
  const reached = new Map<ts.Node, { what: string; first: ReachStep; others: Set<AppFunction> }>();
  for (const fn of context.functions) {
    if (fn.kind === "action") continue;
    walkReachable(context.project, fn, (node, step) => {
      const hit = find(node, step);
      if (!hit) return;
      const known = reached.get(hit.site);
      if (!known) reached.set(hit.site, { what: hit.what, first: step, others: new Set() });
      else if (known.first.from !== fn) known.others.add(fn);
    });
  }
  for (const [site, { what, first, others }] of reached) {
    const more = others.size > 0 ? ` (and ${others.size} more function${others.size === 1 ? "" : "s"})` : "";
    context.report(site, `${what} is reached from ${describeStep(context, first)}${more}; ${advice(what)}`);
  }
}

/** `mutation "orders:upsert" (src/app/orders.ts:20) via loadLegacy -> readRows` */
function describeStep(context: RuleContext, step: ReachStep): string {
  const { from, via } = step;
  const path = via.length > 0 ? ` via ${via.join(" -> ")}` : "";
  return `${from.kind} "${from.name}" (${context.locate(from.declaredAt)})${path}`;
}
