import { OrreryError } from "@orrery/protocol";

/** A mutation kept losing to other writers of the same document until the retry bound. */
export class ConflictError extends OrreryError {
  constructor(
    readonly table: string,
    readonly id: string,
    readonly attempts: number,
  ) {
    super(
      "CONFLICT",
      `write conflict on ${table} "${id}": it changed under the mutation ${attempts} times; gave up`,
    );
    this.name = "ConflictError";
  }
}
