import { OrreryError } from "@orrery/protocol";

// A module is a path of identifier-like segments ("tasks", "admin/users"); an export is an
// identifier. The colon is the one separator, as in Convex, so neither part may contain it.
const MODULE_PATH = /^[A-Za-z_$][\w$]*(\/[A-Za-z_$][\w$]*)*$/;
const EXPORT_NAME = /^[A-Za-z_$][\w$]*$/;

export function isModulePath(path: string): boolean {
  return MODULE_PATH.test(path);
}

/** "module:export" → its two parts; anything else is an INVALID_ARGUMENT that shows the form. */
export function parseFunctionName(name: unknown): { module: string; fn: string } {
  if (typeof name === "string") {
    const colon = name.indexOf(":");
    const module = name.slice(0, colon);
    const fn = name.slice(colon + 1);
    if (colon > 0 && MODULE_PATH.test(module) && EXPORT_NAME.test(fn)) return { module, fn };
  }
  throw new OrreryError(
    "INVALID_ARGUMENT",
    `invalid function name ${JSON.stringify(name) ?? String(name)}: expected "module:export", like "tasks:list"`,
  );
}
