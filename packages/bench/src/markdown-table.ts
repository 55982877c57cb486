/**
 * A markdown table laid out as the repository's formatter (biome) lays one out: every column
 * padded to its widest cell (at least 3), left-aligned, dashes under the header.
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) =>
    Math.max(3, cell.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${widths.map((width, column) => (cells[column] ?? "").padEnd(width)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

/** Milliseconds: two decimals below 10, one below 100, none above. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return "–";
  return value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0);
}

/** A ratio: `1.23×`. */
export const times = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}×` : "–");

/** A count with thousands separators, or a fixed number of decimals. */
export const count = (value: number, decimals = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals })
    : "–";

export const megabytes = (bytes: number | undefined): string =>
  bytes === undefined || !Number.isFinite(bytes) ? "–" : (bytes / 2 ** 20).toFixed(1);
