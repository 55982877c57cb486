import type { LintRule } from "../rule";
import { filterWithoutIndex } from "./filter-without-index";
import { hyperdriveOutsideAction } from "./hyperdrive-outside-action";
import { nondeterministicQuery } from "./nondeterministic-query";

/** Every rule `orrery lint` runs, in the order its help lists them. */
export const lintRules: readonly LintRule[] = [
  hyperdriveOutsideAction,
  nondeterministicQuery,
  filterWithoutIndex,
];
