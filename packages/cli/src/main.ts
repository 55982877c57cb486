import { type CommandIo, runCommand } from "./command";
import { commands } from "./commands";

const VERSION = "0.1.0";

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    "orrery: build realtime apps on Cloudflare Workers with Orrery.",
    "",
    "Usage: orrery <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    'Run "orrery <command> --help" for a command\'s options.',
  ].join("\n");
}

const processIo: CommandIo = {
  cwd: process.cwd(),
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  terminal: process.stderr.isTTY ? (text) => process.stderr.write(text) : undefined,
};

/** Runs `orrery` with `argv` (without node and the script); returns the exit code. */
export async function main(argv: string[], io: CommandIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(overview());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.out(VERSION);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`orrery: unknown command "${name}" (expected one of: ${commands.map((c) => c.name).join(", ")})`);
    io.err('Run "orrery --help" for usage.');
    return 2;
  }
  return runCommand(command, rest, io);
}
