import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { defineCommand, UsageError } from "../command";
import { loadConfig } from "../config";
import { formatFindings } from "../lint/format";
import { lintRules } from "../lint/rules";
import { runLint } from "../lint/run-lint";

const ruleList = lintRules
  .map((rule) => `  ${rule.name} (${rule.severity})\n      ${rule.summary}`)
  .join("\n");

export const lintCommand = defineCommand({
  name: "lint",
  summary: "Check the app's functions for mistakes the types let through",
  help: `Usage: orrery lint [--dir <path>] [--schema <path>] [--json]

Reads the app's functions with the TypeScript compiler, following each query's and
mutation's calls into helpers in other files, and prints one line per finding:
  file:line:col rule message
then a count. Prints nothing when there is nothing to report.

Rules:
${ruleList}

Options:
  --dir <path>     The functions folder (default: "functions" in orrery.config.json, else orrery/)
  --schema <path>  The schema module, read for its indexes (default: <dir>/schema.ts with --dir,
                   else "schema" in orrery.config.json)
  --json           Print the findings as a JSON array of {file,line,column,rule,severity,message}

Exit status: 1 when an error-level rule fired, 0 otherwise (warnings do not fail), 2 for bad usage.
`,
  options: {
    dir: { type: "string" },
    schema: { type: "string" },
    json: { type: "boolean" },
  },
  async run({ values, io }) {
    const { functionsDir, schemaFile } = resolvePaths(
      io.cwd,
      values.dir as string | undefined,
      values.schema as string | undefined,
    );
    const findings = runLint({ functionsDir, schemaFile, cwd: io.cwd });
    if (values.json) io.out(JSON.stringify(findings, null, 2));
    else for (const line of formatFindings(findings)) io.out(line);
    return findings.some((finding) => finding.severity === "error") ? 1 : 0;
  },
});

function resolvePaths(cwd: string, dir: string | undefined, schema: string | undefined) {
  // The config is read only without --dir, so `--dir` works from any folder.
  const config = dir === undefined ? loadConfig(cwd) : undefined;
  const functionsDir = config?.functions ?? path.resolve(cwd, dir ?? "");
  if (!existsSync(functionsDir) || !statSync(functionsDir).isDirectory())
    throw new UsageError(
      `functions folder not found: ${path.relative(cwd, functionsDir) || functionsDir} (pass --dir <path>, or set "functions" in orrery.config.json)`,
    );
  if (schema !== undefined && !existsSync(path.resolve(cwd, schema)))
    throw new UsageError(`schema file not found: ${schema}`);
  const schemaFile =
    schema !== undefined
      ? path.resolve(cwd, schema)
      : (config?.schema ?? path.join(functionsDir, "schema.ts"));
  return { functionsDir, schemaFile };
}
