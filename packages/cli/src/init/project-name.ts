import { UsageError } from "../command";

/** A Worker name (and npm package name): lowercase letters, digits and dashes, at most 63. */
const VALID_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The project's name: `--name` when given (checked), else derived from the folder's name. */
export function projectName(explicit: string | undefined, folderName: string): string {
  if (explicit !== undefined) {
    if (!VALID_NAME.test(explicit))
      throw new UsageError(
        `--name "${explicit}" is not a valid Worker name (lowercase letters, digits and dashes, at most 63 characters, not starting or ending with a dash)`,
      );
    return explicit;
  }
  const derived = folderName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return derived || "orrery-app";
}
