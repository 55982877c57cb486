import type { Finding } from "./rule";

/** `file:line:col rule message`, one line per finding, then a count; nothing at all when clean. */
export function formatFindings(findings: readonly Finding[]): string[] {
  if (findings.length === 0) return [];
  const errors = findings.filter((finding) => finding.severity === "error").length;
  const warnings = findings.length - errors;
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
  return [
    ...findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.rule} ${f.message}`),
    `${count(findings.length, "problem")} (${count(errors, "error")}, ${count(warnings, "warning")})`,
  ];
}
