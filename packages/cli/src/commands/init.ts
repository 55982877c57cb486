import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { defineCommand, UsageError } from "../command";
import { cliSchemaPackageDir, cliVersion, templateDir } from "../init/cli-package";
import { writeInitialMigration } from "../init/initial-migration";
import { projectName } from "../init/project-name";
import { linkedPackageDirs, linkOrreryPackages, writeTemplate } from "../init/write-project";

const HELP = `Usage: orrery init <dir> [--name <name>] [--link <orrery-repo>]

Creates a new Orrery project in <dir> (which must not exist or be empty): a Worker hosting the
app (src/index.ts, wrangler.jsonc with the GlobalStore Durable Object and a local D1 database),
a schema with one table (orrery/schema.ts), a query and a mutation (orrery/messages.ts), and
its first migration (migrations/). Then:

  cd <dir>
  npm install
  npm run dev

Options:
  --name <name>         the Worker's and package's name (default: from <dir>)
  --link <orrery-repo>  depend on the @orrery/* packages of an Orrery checkout (link: paths,
                        install with pnpm) instead of the published ones
  -h, --help            show this help

Exit codes: 0 created, 1 an error, 2 bad usage (no <dir>, or <dir> is not empty).`;

export const initCommand = defineCommand({
  name: "init",
  summary: "Create a new Orrery project in a folder",
  help: HELP,
  positionals: true,
  options: {
    name: { type: "string" },
    link: { type: "string" },
  },
  async run({ values, positionals, io }) {
    if (positionals.length === 0) throw new UsageError("missing <dir> (e.g. orrery init my-app)");
    if (positionals.length > 1)
      throw new UsageError(`expected one <dir>, got ${positionals.length}: ${positionals.join(" ")}`);
    const target = path.resolve(io.cwd, positionals[0]!);
    const relative = path.relative(io.cwd, target);
    const shown = relative === "" ? "." : relative.startsWith("..") ? target : relative;
    if (existsSync(target)) {
      if (!statSync(target).isDirectory()) throw new UsageError(`${shown} exists and is not a folder`);
      if (readdirSync(target).length > 0)
        throw new UsageError(`${shown} is not empty; choose a new folder (orrery init never overwrites)`);
    }
    const name = projectName(values.name as string | undefined, path.basename(target));
    const repo = typeof values.link === "string" ? path.resolve(io.cwd, values.link) : undefined;
    if (repo !== undefined) {
      const missing = linkedPackageDirs(repo).filter((dir) => !existsSync(path.join(dir, "package.json")));
      if (missing.length > 0)
        throw new UsageError(`--link ${values.link}: not an Orrery checkout (no ${missing.join(", ")})`);
    }

    const files = writeTemplate(templateDir(), target, { name, orreryVersion: cliVersion() });
    if (repo !== undefined) linkOrreryPackages(path.join(target, "package.json"), repo);
    io.out(`Created ${name} in ${shown}:`);
    for (const file of files) io.out(`  ${file}`);

    const schemaPackage = repo !== undefined ? path.join(repo, "packages", "schema") : cliSchemaPackageDir();
    const generated = await writeInitialMigration(target, schemaPackage, {
      cwd: target,
      out: (line) => io.out(`  ${line}`),
      err: (line) => io.err(line),
    });
    if (generated !== 0) {
      io.err(`orrery init: the project is in ${shown}, but its first migration failed; fix the above,`);
      io.err(`then run "orrery generate" there.`);
      return generated;
    }

    const install = repo !== undefined ? "pnpm install" : "npm install";
    const dev = repo !== undefined ? "pnpm dev" : "npm run dev";
    io.out("");
    io.out("Next:");
    if (shown !== ".") io.out(`  cd ${shown.includes(" ") ? JSON.stringify(shown) : shown}`);
    io.out(`  ${install}`);
    io.out(`  ${dev}`);
    return 0;
  },
});
