/**
 * For seeding only (the worker's admin seed route): inserts under a caller-chosen id. Not part
 * of what app functions use; an app that forwards client ids here lets clients choose ids.
 */
export { insertWithId } from "./db/database";
