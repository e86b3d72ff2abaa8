/**
 * @module Plain-text tables for the terminal (the demo's results; padded columns, no colours, so logs stay readable).
 */

/**
 * Formats rows under a header as aligned columns.
 * @example formatTable(["a", "b"], [["1", "22"]]) // "a  b \n-  --\n1  22"
 */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
