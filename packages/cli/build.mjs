// Bundles the CLI for Node 20: workspace packages (TypeScript source) are compiled in; npm
// dependencies stay imports, installed beside it.
import { build } from "esbuild";

await build({
  entryPoints: ["src/main.ts"],
  outfile: "dist/orrery.js",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  logLevel: "warning",
  plugins: [
    {
      name: "external-npm-dependencies",
      setup(pluginBuild) {
        pluginBuild.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith("@orrery/") ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});
