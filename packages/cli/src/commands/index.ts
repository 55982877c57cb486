import type { Command } from "../command";
import { generateCommand } from "./generate";
import { lintCommand } from "./lint";

/** Every subcommand, in the order `orrery --help` lists them. */
export const commands: readonly Command[] = [generateCommand, lintCommand];
