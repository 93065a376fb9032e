/**
 * A Markdown table in the layout of biome's Markdown formatter (columns padded, the first
 * `leftColumns` left-aligned, the others right-aligned), so a printed table pastes into
 * bench/README.md as is.
 */
export function markdownTable(header: string[], lines: string[][], leftColumns = 1): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...lines.map((line) => (line[i] ?? "").length)),
  );
  const left = (i: number) => i < leftColumns;
  const format = (cells: string[]) =>
    `| ${cells.map((cell, i) => (left(i) ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(" | ")} |`;
  const rule = format(widths.map((width, i) => (left(i) ? "-".repeat(width) : `${"-".repeat(width - 1)}:`)));
  return [format(header), rule, ...lines.map(format)].join("\n");
}
