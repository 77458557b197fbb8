import { plainStyle, shortenHex, truncate, visibleWidth, type Role, type Style } from "./style.js";

/** Right-aligns cells that look like numbers or amounts, left-aligns the rest. */
const NUMERIC = /^[A-Z]{0,3}\s?-?[\d,]+(\.\d+)?$/;

/** A cell: its text, and optionally the colour it is shown in. */
export type Cell = string | { readonly text: string; readonly role?: Role };

/**
 * How a table gives up columns when it is too wide, tried in order until it fits (each only as far
 * as needed): `shorten` writes a column's addresses and hashes as 0x1234…abcd, `truncate` cuts a
 * column's cells to no fewer than `min` columns with "…", `drop` leaves a column out.
 */
export type Reduction =
  | { readonly shorten: string }
  | { readonly truncate: string; readonly min: number }
  | { readonly drop: string };

export interface TableOptions {
  readonly style?: Style;
  /** Tried in order when the table is wider than `style.width`. */
  readonly reductions?: readonly Reduction[];
}

const GAP = 2;

const textOf = (cell: Cell): string => (typeof cell === "string" ? cell : cell.text);
const roleOf = (cell: Cell): Role | undefined => (typeof cell === "string" ? undefined : cell.role);

/** A table's columns as data, so reductions can change them. */
interface Column {
  header: string;
  cells: Cell[];
}

const widthOf = (column: Column): number => Math.max(visibleWidth(column.header), ...column.cells.map((c) => visibleWidth(textOf(c))));
const totalWidth = (columns: readonly Column[]): number => columns.reduce((sum, c) => sum + widthOf(c), 0) + GAP * Math.max(0, columns.length - 1);

const mapCells = (column: Column, f: (text: string) => string): Cell[] =>
  column.cells.map((cell) => (typeof cell === "string" ? f(cell) : { ...cell, text: f(cell.text) }));

/** Applies one reduction, as far as needed to fit `width`. */
function reduce(columns: Column[], reduction: Reduction, width: number): Column[] {
  if ("drop" in reduction) return columns.filter((c) => c.header.trim() !== reduction.drop);
  const name = "shorten" in reduction ? reduction.shorten : reduction.truncate;
  const column = columns.find((c) => c.header.trim() === name);
  if (column === undefined) return columns;
  if ("shorten" in reduction) {
    column.cells = mapCells(column, shortenHex);
    return columns;
  }
  const target = Math.max(reduction.min, visibleWidth(column.header), widthOf(column) - (totalWidth(columns) - width));
  column.cells = mapCells(column, (text) => truncate(text, target));
  return columns;
}

/**
 * A plain-text table with a header rule, for terminals: fitted to `style.width` by `reductions`
 * (and, if it still does not fit, each line cut there with "…"); header in the heading colour,
 * cells in theirs. Widths are measured without colour codes.
 * @example renderTable(["Token", "Supply"], [["wHKD", "HKD 1,000.00"]])
 */
export function renderTable(header: readonly string[], rows: readonly (readonly Cell[])[], options: TableOptions = {}): string {
  const style = options.style ?? plainStyle(Number.POSITIVE_INFINITY);
  let columns: Column[] = header.map((h, i) => ({ header: h, cells: rows.map((r) => r[i] ?? "") }));
  for (const reduction of options.reductions ?? []) {
    if (totalWidth(columns) <= style.width) break;
    columns = reduce(columns, reduction, style.width);
  }
  const widths = columns.map(widthOf);
  const pad = (text: string, i: number): string => {
    const space = " ".repeat(Math.max(0, widths[i] - visibleWidth(text)));
    return NUMERIC.test(text) ? space + text : text + space;
  };
  const fit = (line: string): string => (visibleWidth(line) <= style.width ? line : truncate(line, style.width));
  const headerLine = fit(columns.map((c, i) => pad(c.header, i)).join(" ".repeat(GAP)).trimEnd());
  const lines = [
    style.paint("heading", headerLine),
    style.paint("dim", fit(widths.map((w) => "─".repeat(w)).join(" ".repeat(GAP)))),
    ...rows.map((_, r) => {
      const plain = columns.map((c, i) => pad(textOf(c.cells[r]), i)).join(" ".repeat(GAP)).trimEnd();
      if (visibleWidth(plain) > style.width) return truncate(plain, style.width);
      // Colour after padding, so the codes never count as width.
      return columns
        .map((c, i) => {
          const cell = c.cells[r];
          const padded = pad(textOf(cell), i);
          const role = roleOf(cell);
          if (role === undefined) return padded;
          const text = textOf(cell);
          const at = padded.indexOf(text);
          return padded.slice(0, at) + style.paint(role, text) + padded.slice(at + text.length);
        })
        .join(" ".repeat(GAP))
        .trimEnd();
    }),
  ];
  return lines.join("\n");
}
