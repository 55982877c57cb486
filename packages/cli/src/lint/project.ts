import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** The app's functions compiled together with everything they import, ready for the checker. */
export interface LintProject {
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  readonly functionsDir: string;
  /** The files directly in the functions folder (tests and declaration files left out). */
  readonly functionFiles: readonly ts.SourceFile[];
  /** The app's own code, which call paths are followed into (not libraries, not @orrery). */
  isAppFile(file: ts.SourceFile): boolean;
}

const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const SKIPPED_FILE = /\.d\.[cm]?ts$|\.(test|spec)\.[cm]?[jt]sx?$/;

// Used when the app has no tsconfig.json of its own: what `orrery init` projects compile with.
const DEFAULT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2023.d.ts"],
  strict: true,
  skipLibCheck: true,
};

export function createLintProject(functionsDir: string): LintProject {
  const appRoot = packageRoot(functionsDir);
  const rootNames = listSourceFiles(functionsDir);
  const options: ts.CompilerOptions = {
    ...compilerOptions(functionsDir, appRoot),
    // Nothing is written; JavaScript functions are read too (untyped, so only syntax helps there).
    noEmit: true,
    allowJs: true,
    checkJs: false,
  };
  const program = ts.createProgram({ rootNames, options });
  const inAppRoot = appRoot + path.sep;
  const roots = new Set(rootNames.map((file) => path.resolve(file)));
  return {
    program,
    checker: program.getTypeChecker(),
    functionsDir,
    functionFiles: program.getSourceFiles().filter((file) => roots.has(path.resolve(file.fileName))),
    isAppFile: (file) => {
      const name = path.resolve(file.fileName);
      return (
        !file.isDeclarationFile &&
        name.startsWith(inAppRoot) &&
        !name.includes(`${path.sep}node_modules${path.sep}`)
      );
    },
  };
}

/** The nearest folder above `dir` with a package.json: the app, as opposed to its dependencies. */
function packageRoot(dir: string): string {
  for (let current = dir; ; current = path.dirname(current)) {
    if (existsSync(path.join(current, "package.json"))) return current;
    if (path.dirname(current) === current) return dir;
  }
}

/** The app's tsconfig.json (searched from the functions folder up to the app root), else defaults. */
function compilerOptions(functionsDir: string, appRoot: string): ts.CompilerOptions {
  for (let current = functionsDir; ; current = path.dirname(current)) {
    const file = path.join(current, "tsconfig.json");
    if (existsSync(file)) {
      const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
      if (!error) return ts.parseJsonConfigFileContent(config, ts.sys, current, undefined, file).options;
    }
    if (current === appRoot || path.dirname(current) === current) return DEFAULT_OPTIONS;
  }
}

function listSourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listSourceFiles(full));
    else if (SOURCE_FILE.test(entry.name) && !SKIPPED_FILE.test(entry.name)) files.push(full);
  }
  return files.sort();
}
