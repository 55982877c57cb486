import path from "node:path";
import type ts from "typescript";
import { findAppFunctions } from "./app-functions";
import { createLintProject } from "./project";
import type { Finding, LintRule, RuleContext } from "./rule";
import { lintRules } from "./rules";
import { readSchemaIndexes } from "./schema-indexes";

export interface LintOptions {
  /** The folder of the app's functions. */
  readonly functionsDir: string;
  /** The schema module, read for its indexes; a missing one only makes advice vaguer. */
  readonly schemaFile: string;
  /** Findings name files relative to this. */
  readonly cwd: string;
  readonly rules?: readonly LintRule[];
}

/** Every finding of every rule over the app, ordered by file and position. */
export function runLint(options: LintOptions): Finding[] {
  const project = createLintProject(options.functionsDir);
  const functions = findAppFunctions(project);
  const schema = readSchemaIndexes(options.schemaFile);
  const findings: Finding[] = [];
  const position = (node: ts.Node) => {
    const file = node.getSourceFile();
    const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
    return {
      file: path.relative(options.cwd, file.fileName) || file.fileName,
      line: line + 1,
      column: character + 1,
    };
  };
  for (const rule of options.rules ?? lintRules) {
    const context: RuleContext = {
      project,
      functions,
      schema,
      report: (node, message) =>
        findings.push({ ...position(node), rule: rule.name, severity: rule.severity, message }),
      locate: (node) => {
        const { file, line } = position(node);
        return `${file}:${line}`;
      },
    };
    rule.check(context);
  }
  return findings.sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule),
  );
}
