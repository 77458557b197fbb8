/** Right-aligns cells that look like numbers or amounts, left-aligns the rest. */
const NUMERIC = /^[A-Z]{0,3}\s?-?[\d,]+(\.\d+)?$/;

/**
 * A plain-text table with a header rule, for terminals.
 * @example renderTable(["Token", "Supply"], [["wHKD", "HKD 1,000.00"]])
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (NUMERIC.test(cell) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
