import type { Command } from "../command";
import { devCommand } from "./dev";
import { etlCommand } from "./etl";
import { generateCommand } from "./generate";
import { initCommand } from "./init";
import { lintCommand } from "./lint";
import { maintenanceCommand } from "./maintenance";
import { migrateCommand } from "./migrate";
import { seedCommand } from "./seed";

/** Every subcommand, in the order `orrery --help` lists them. */
export const commands: readonly Command[] = [
  initCommand,
  devCommand,
  generateCommand,
  lintCommand,
  migrateCommand,
  seedCommand,
  etlCommand,
  maintenanceCommand,
];
