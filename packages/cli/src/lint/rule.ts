import type ts from "typescript";
import type { AppFunction } from "./app-functions";
import type { LintProject } from "./project";
import type { SchemaIndexes } from "./schema-indexes";

export type Severity = "error" | "warning";

/** One problem, as `orrery lint` prints it (`--json` prints these objects as they are). */
export interface Finding {
  /** Relative to the directory `orrery lint` ran in. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
}

/** What every rule sees: the compiled app, its functions, and its schema's indexes. */
export interface RuleContext {
  readonly project: LintProject;
  readonly functions: readonly AppFunction[];
  /** Undefined when the schema file is missing: rules then cannot name indexes. */
  readonly schema: SchemaIndexes | undefined;
  /** Rules phrase the message; the runner turns the node into file, line and column. */
  report(node: ts.Node, message: string): void;
  /** "src/app/orders.ts:20": where a node is, for naming it inside a message. */
  locate(node: ts.Node): string;
}

export interface LintRule {
  readonly name: string;
  readonly severity: Severity;
  /** One line for `orrery lint --help`. */
  readonly summary: string;
  check(context: RuleContext): void;
}
