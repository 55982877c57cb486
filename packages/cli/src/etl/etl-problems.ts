/**
 * Several mistakes found together (a config checked against the schema and the source, the
 * rows that cannot be loaded): the command prints the headline and one line per problem, and
 * exits 1. Nothing has been written when this is thrown.
 */
export class EtlProblems extends Error {
  constructor(
    readonly headline: string,
    readonly problems: readonly string[],
  ) {
    super(`${headline}\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "EtlProblems";
  }
}
