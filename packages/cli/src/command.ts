import { type ParseArgsConfig, parseArgs } from "node:util";

type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;

/** One `orrery` subcommand: its help text, its flags, and what it does with them. */
export interface Command<Options extends OptionSpecs = OptionSpecs> {
  readonly name: string;
  /** One line for `orrery --help`. */
  readonly summary: string;
  /** The usage line and anything more `orrery <name> --help` says. */
  readonly help: string;
  readonly options: Options;
  /** Takes positional arguments (e.g. `init <dir>`). */
  readonly positionals?: boolean;
  /** Subcommands (`orrery migrate latest`): a first argument naming one runs it, with its own flags and help. */
  readonly subcommands?: readonly Command[];
  /** Returns the exit code: 0 success, 1 the work found problems, 2 bad usage. */
  run(input: { values: Record<string, unknown>; positionals: string[]; io: CommandIo }): Promise<number>;
}

/** Where a command writes; tests pass their own. */
export interface CommandIo {
  readonly cwd: string;
  out(line: string): void;
  err(line: string): void;
  /** Raw text for a display redrawn in place (a progress bar); set only when stderr is a terminal. */
  readonly terminal?: (text: string) => void;
}

/** Thrown for a mistake the user can fix; printed as one line, exit code 2 unless given. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export function defineCommand<Options extends OptionSpecs>(command: Command<Options>): Command<Options> {
  return command;
}

const HELP_OPTION = { help: { type: "boolean", short: "h" } } as const;

/** Parses `argv` strictly (unknown flags are errors) and runs the command. */
export async function runCommand(command: Command, argv: string[], io: CommandIo): Promise<number> {
  const sub = command.subcommands?.find((s) => s.name === argv[0]);
  if (sub) return runCommand({ ...sub, name: `${command.name} ${sub.name}` }, argv.slice(1), io);
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...command.options, ...HELP_OPTION },
      allowPositionals: command.positionals ?? false,
      strict: true,
    });
  } catch (error) {
    io.err(`orrery ${command.name}: ${(error as Error).message.split("\n")[0]}`);
    io.err(`Run "orrery ${command.name} --help" for usage.`);
    return 2;
  }
  if (parsed.values.help) {
    io.out(command.help.trimEnd());
    return 0;
  }
  try {
    return await command.run({ ...parsed, io });
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`orrery ${command.name}: ${error.message}`);
      return error.exitCode;
    }
    io.err(`orrery ${command.name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
