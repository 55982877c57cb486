import ts from "typescript";
import type { AppFunction } from "./app-functions";
import type { LintProject } from "./project";
import {
  asFunctionWithBody,
  boundPropertyName,
  type FunctionWithBody,
  functionLabel,
  skipWrappers,
} from "./syntax";

/** Where the walk stands: the handler it started from and the helpers it went through. */
export interface ReachStep {
  readonly from: AppFunction;
  /** Helpers called on the way from the handler to here, outermost first; empty in the handler. */
  readonly via: readonly string[];
  /** `expression` holds the handler's ctx: `ctx`, `input.ctx`, an alias, or a parameter it was passed to. */
  holdsCtx(expression: ts.Expression): boolean;
  /** `pattern` takes the handler's ctx apart: `const { sql } = ctx`, or `({ sql }) => ...` called with ctx. */
  destructuresCtx(pattern: ts.ObjectBindingPattern): boolean;
}

export type ReachVisitor = (node: ts.Node, step: ReachStep) => void;

/**
 * Calls `visit` on every node a handler can run: its own body, then (transitively) the bodies
 * of the app's functions it calls, resolved by the type checker to their declarations. Along
 * the way it tracks where the handler's ctx goes (aliases, arguments, destructuring) so rules
 * can tell `ctx.sql` from an unrelated `.sql`. Library code (node_modules, @orrery) is not entered.
 */
export function walkReachable(project: LintProject, from: AppFunction, visit: ReachVisitor): void {
  new ReachWalker(project, from, visit).start();
}

/** "ctx" for the ctx itself; "input" for an object whose `ctx` is it, like the handler's `{ ctx, args }`. */
type Carried = "ctx" | "input";

class ReachWalker {
  private readonly checker: ts.TypeChecker;
  private readonly ctxSymbols = new Set<ts.Symbol>();
  private readonly inputSymbols = new Set<ts.Symbol>();
  private readonly ctxPatterns = new Set<ts.ObjectBindingPattern>();
  /** Function + which parameters carried ctx: walking each pair once ends cycles and recursion. */
  private readonly walked = new Set<string>();

  constructor(
    private readonly project: LintProject,
    private readonly from: AppFunction,
    private readonly visit: ReachVisitor,
  ) {
    this.checker = project.checker;
  }

  start(): void {
    const input = this.from.handler.parameters[0];
    if (input) this.bind(input.name, "input");
    this.walkFunction(this.from.handler, [], "");
  }

  private walkFunction(fn: FunctionWithBody, via: readonly string[], carriedParameters: string): void {
    const key = `${fn.getSourceFile().fileName}:${fn.pos}:${carriedParameters}`;
    if (this.walked.has(key)) return;
    this.walked.add(key);
    const step: ReachStep = {
      from: this.from,
      via,
      holdsCtx: (expression) => this.carried(expression) === "ctx",
      destructuresCtx: (pattern) => this.ctxPatterns.has(pattern),
    };
    // Parameters too: a `{ sql }` there takes ctx apart, and default values run.
    for (const parameter of fn.parameters) this.walkNode(parameter, step);
    this.walkNode(fn.body, step);
  }

  private walkNode(node: ts.Node, step: ReachStep): void {
    if (ts.isVariableDeclaration(node) && node.initializer) this.bindIfCarried(node.name, node.initializer);
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      if (ts.isIdentifier(node.left)) this.bindIfCarried(node.left, node.right);
    }
    this.visit(node, step);
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) this.followCall(node, step);
    ts.forEachChild(node, (child) => this.walkNode(child, step));
  }

  private followCall(call: ts.CallExpression | ts.NewExpression, step: ReachStep): void {
    const args = call.arguments ?? [];
    for (const target of this.callTargets(call)) {
      const carriedAt: string[] = [];
      target.parameters.forEach((parameter, index) => {
        const argument = args[index];
        const carried = argument && !parameter.dotDotDotToken ? this.carried(argument) : undefined;
        if (!carried) return;
        this.bind(parameter.name, carried);
        carriedAt.push(`${index}${carried}`);
      });
      this.walkFunction(target, [...step.via, functionLabel(target)], carriedAt.join(","));
    }
    // A helper passed by name (`rows.map(toOrder)`) runs as well, though it is not called here.
    for (const argument of args) {
      if (!ts.isIdentifier(argument) && !ts.isPropertyAccessExpression(argument)) continue;
      for (const fn of this.functionsNamed(argument))
        this.walkFunction(fn, [...step.via, functionLabel(fn)], "");
    }
  }

  /** The app functions a call may run: by the callee's symbol, else by the resolved signature. */
  private callTargets(call: ts.CallExpression | ts.NewExpression): FunctionWithBody[] {
    const callee = skipWrappers(call.expression);
    const targets = this.functionsNamed(ts.isPropertyAccessExpression(callee) ? callee.name : callee);
    if (targets.length === 0) {
      const declaration = asFunctionWithBody(this.checker.getResolvedSignature(call)?.declaration);
      if (declaration && this.project.isAppFile(declaration.getSourceFile())) targets.push(declaration);
    }
    return targets;
  }

  /** Functions with a body in the app that `name` refers to (through imports; a class → its constructor). */
  private functionsNamed(name: ts.Node): FunctionWithBody[] {
    let symbol = this.checker.getSymbolAtLocation(name);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    const found: FunctionWithBody[] = [];
    for (const declaration of symbol?.declarations ?? []) {
      const candidates =
        ts.isClassDeclaration(declaration) || ts.isClassExpression(declaration)
          ? declaration.members.filter(ts.isConstructorDeclaration)
          : [
              ts.isVariableDeclaration(declaration) ||
              ts.isPropertyAssignment(declaration) ||
              ts.isPropertyDeclaration(declaration)
                ? declaration.initializer
                : declaration,
            ];
      for (const candidate of candidates) {
        const fn = asFunctionWithBody(candidate);
        if (fn && this.project.isAppFile(fn.getSourceFile())) found.push(fn);
      }
    }
    return found;
  }

  private bindIfCarried(name: ts.BindingName, value: ts.Expression): void {
    const carried = this.carried(value);
    if (carried) this.bind(name, carried);
  }

  /** Records that `name` now holds the ctx (or an object holding it), however it is destructured. */
  private bind(name: ts.BindingName, carried: Carried): void {
    if (ts.isIdentifier(name)) {
      const symbol = this.checker.getSymbolAtLocation(name);
      if (symbol) (carried === "ctx" ? this.ctxSymbols : this.inputSymbols).add(symbol);
      return;
    }
    if (!ts.isObjectBindingPattern(name)) return;
    if (carried === "ctx") this.ctxPatterns.add(name);
    for (const element of name.elements) {
      if (element.dotDotDotToken) this.bind(element.name, carried);
      else if (carried === "input" && boundPropertyName(element) === "ctx") this.bind(element.name, "ctx");
    }
  }

  private carried(expression: ts.Expression): Carried | undefined {
    const value = skipWrappers(expression);
    if (ts.isIdentifier(value)) return this.carriedBySymbol(this.checker.getSymbolAtLocation(value));
    if (ts.isPropertyAccessExpression(value))
      return value.name.text === "ctx" && this.carried(value.expression) === "input" ? "ctx" : undefined;
    if (!ts.isObjectLiteralExpression(value)) return undefined;
    for (const property of value.properties) {
      // `{ ...ctx }` is still a ctx; `{ ctx, args }` is a handler input again.
      if (ts.isSpreadAssignment(property)) {
        const spread = this.carried(property.expression);
        if (spread) return spread;
      } else if (property.name && ts.isIdentifier(property.name) && property.name.text === "ctx") {
        const held = ts.isShorthandPropertyAssignment(property)
          ? this.carriedBySymbol(this.checker.getShorthandAssignmentValueSymbol(property))
          : ts.isPropertyAssignment(property)
            ? this.carried(property.initializer)
            : undefined;
        if (held === "ctx") return "input";
      }
    }
    return undefined;
  }

  private carriedBySymbol(symbol: ts.Symbol | undefined): Carried | undefined {
    if (!symbol) return undefined;
    if (this.ctxSymbols.has(symbol)) return "ctx";
    return this.inputSymbols.has(symbol) ? "input" : undefined;
  }
}
