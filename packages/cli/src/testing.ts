import type { CommandIo } from "./command";

/** A CommandIo that records what a command printed, for tests. */
export function recordingIo(cwd: string): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { cwd, stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}
