import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Template files whose names a package manager would not ship, renamed when copied. */
const RENAMES: Record<string, string> = { _gitignore: ".gitignore" };

/** The values `{{placeholder}}`s in the template stand for. */
export interface TemplateValues {
  readonly name: string;
  readonly orreryVersion: string;
}

/** Replaces every `{{key}}` in `text`; a placeholder without a value is a template bug. */
export function fillPlaceholders(text: string, values: TemplateValues, file: string): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = Object.hasOwn(values, key) ? values[key as keyof TemplateValues] : undefined;
    if (value === undefined) throw new Error(`template ${file}: unknown placeholder {{${key}}}`);
    return value;
  });
}

/**
 * Copies the template folder into `target` (created when missing), filling placeholders.
 * Returns the project-relative paths written, sorted.
 */
export function writeTemplate(template: string, target: string, values: TemplateValues): string[] {
  mkdirSync(target, { recursive: true });
  const written: string[] = [];
  const copy = (relativeDir: string) => {
    for (const entry of readdirSync(path.join(template, relativeDir), { withFileTypes: true })) {
      const from = path.join(relativeDir, entry.name);
      const to = path.join(relativeDir, RENAMES[entry.name] ?? entry.name);
      if (entry.isDirectory()) {
        mkdirSync(path.join(target, to), { recursive: true });
        copy(from);
        continue;
      }
      const text = readFileSync(path.join(template, from), "utf8");
      writeFileSync(path.join(target, to), fillPlaceholders(text, values, from));
      written.push(to.split(path.sep).join("/"));
    }
  };
  copy("");
  return written.sort();
}

/** The repo's packages a `--link`ed project depends on, by package name. */
const LINKED_PACKAGES: Record<string, string> = {
  "@orrery/cli": "packages/cli",
  "@orrery/cloudflare": "packages/cloudflare",
  "@orrery/schema": "packages/schema",
  "@orrery/store": "packages/store",
};

/**
 * Points the project's @orrery/* dependencies at a checkout of the Orrery repo (`link:`, for
 * pnpm), to try a project before the packages are published.
 */
export function linkOrreryPackages(packageJsonFile: string, repo: string): void {
  const manifest = JSON.parse(readFileSync(packageJsonFile, "utf8")) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  for (const deps of [manifest.dependencies ?? {}, manifest.devDependencies ?? {}]) {
    for (const name of Object.keys(deps)) {
      const folder = LINKED_PACKAGES[name];
      if (folder) deps[name] = `link:${path.join(repo, folder)}`;
    }
  }
  writeFileSync(packageJsonFile, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The repo folder of a linked package, to check `--link` points at an Orrery checkout. */
export function linkedPackageDirs(repo: string): string[] {
  return Object.values(LINKED_PACKAGES).map((folder) => path.join(repo, folder));
}
