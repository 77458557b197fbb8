import { stripVTControlCharacters, styleText } from "node:util";

/**
 * Colour and width for the terminal report, decided once per run (`styleFor`) and handed to every
 * renderer, which stay pure: the same facts and the same `Style` give the same text.
 */

/** What a piece of text is, for colour: a renderer says what, the style says how. */
export type Role =
  /** A verdict that held: "✔ done". */
  | "ok"
  /** A step or run that failed: "✖ FAILED". */
  | "fail"
  /** A refusal the scenario meant to show. */
  | "expected"
  /** Step headings, table titles and headers, the closing verdict. */
  | "heading"
  /** A balance that went up / down in a step. */
  | "up"
  | "down"
  /** Hashes, gas, rules: there to be looked up, not read out. */
  | "dim"
  /** "no balance moved", hints and prompts. */
  | "calm";

type Format = Parameters<typeof styleText>[0];

const FORMATS: Record<Role, Format> = {
  ok: "green",
  fail: ["bold", "red"],
  expected: "yellow",
  heading: "bold",
  up: ["bold", "green"],
  down: ["bold", "magenta"],
  dim: "dim",
  calm: "cyan",
};

/** How the terminal report looks: with or without colour, and how wide a line may be. */
export interface Style {
  readonly color: boolean;
  /** The most columns a line may take (measured without colour codes). */
  readonly width: number;
  /** `text` in the colour of `role` (unchanged without colour). */
  paint(role: Role, text: string): string;
}

/** Lines fit this many columns when the output is not a terminal and `COLUMNS` is not set. */
export const DEFAULT_WIDTH = 100;
/** Narrower than this, nothing reads: a smaller terminal or `COLUMNS` counts as this. */
export const MIN_WIDTH = 40;

/**
 * A style: `color` decides whether `paint` adds ANSI codes (through `node:util`'s `styleText`, told
 * not to second-guess the decision).
 * @example createStyle({ color: false, width: 80 }).paint("ok", "✔") // "✔"
 */
export function createStyle(options: { readonly color: boolean; readonly width: number }): Style {
  const { color, width } = options;
  return {
    color,
    width,
    paint: (role, text) => (color && text !== "" ? styleText(FORMATS[role], text, { validateStream: false }) : text),
  };
}

/** No colour, `width` columns (default 100): for tests and anything that is not a terminal. */
export const plainStyle = (width: number = DEFAULT_WIDTH): Style => createStyle({ color: false, width });

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Whether to colour output to a stream, from the environment and whether the stream is a terminal:
 * `FORCE_COLOR` decides when set (`0` or `false`: no colour; anything else, even empty: colour, even
 * in a pipe), as in Node and most tools; else `NO_COLOR` or `NODE_DISABLE_COLORS` with any non-empty
 * value means no colour; else `TERM=dumb` means none; else colour exactly when the stream is a terminal.
 * @example colorWanted({ NO_COLOR: "1" }, true) // false
 */
export function colorWanted(env: Env, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  if ((env.NO_COLOR ?? "") !== "" || (env.NODE_DISABLE_COLORS ?? "") !== "") return false;
  if (env.TERM === "dumb") return false;
  return isTTY;
}

/**
 * The width lines must fit: the terminal's columns when the stream is one, else `COLUMNS` when it is
 * a positive whole number, else 100; never less than 40.
 * @example terminalWidth(undefined, { COLUMNS: "80" }) // 80
 */
export function terminalWidth(columns: number | undefined, env: Env): number {
  const fromEnv = /^\d+$/.test(env.COLUMNS ?? "") ? Number(env.COLUMNS) : 0;
  const width = columns !== undefined && columns > 0 ? columns : fromEnv > 0 ? fromEnv : DEFAULT_WIDTH;
  return Math.max(MIN_WIDTH, width);
}

/**
 * The style of a run that writes its report to `stream`: never colour with `--json` (its presenter
 * text on stderr included), else as `colorWanted` says; the width as `terminalWidth` says.
 * @example const style = styleFor(process.stdout, process.env, args.json);
 */
export function styleFor(stream: { readonly isTTY?: boolean; readonly columns?: number }, env: Env, json: boolean): Style {
  const isTTY = stream.isTTY === true;
  return createStyle({ color: !json && colorWanted(env, isTTY), width: terminalWidth(isTTY ? stream.columns : undefined, env) });
}

// ------------------------------------------------------------------------------------- width

/** The columns `text` takes on a terminal: its characters, colour codes left out. */
export function visibleWidth(text: string): number {
  return [...stripVTControlCharacters(text)].length;
}

const LONG_HEX = /0x[0-9a-fA-F]{12,}/g;

/** A long hex string (address, hash) in short form: "0x1234…abcd". */
export function shortHex(hex: string): string {
  return `${hex.slice(0, 6)}…${hex.slice(-4)}`;
}

/** `text` with every address or hash in short form. */
export function shortenHex(text: string): string {
  return text.replace(LONG_HEX, shortHex);
}

/** `text` (plain) cut to `width` columns, ending in "…" when cut. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 1 ? "…".slice(0, width) : `${chars.slice(0, width - 1).join("").trimEnd()}…`;
}

/**
 * One line of prose fitted to `width`: kept as is if it fits; else its addresses and hashes in short
 * form and, if still too long, wrapped at spaces, each further line indented by `hang` columns (by
 * default its own indent plus two). Widths are measured without colour codes; a word longer than a
 * whole line is cut; words joined by `KEEP_TOGETHER` stay on one line.
 * @example wrapLine("  a long sentence …", 40) // ["  a long …", "    sentence …"]
 */
export function wrapLine(line: string, width: number, hang?: number): string[] {
  return fitLine(line, width, hang).map((l) => l.replaceAll(KEEP_TOGETHER, " "));
}

/** Joins words a line must never break between (written as a space): `(gas${KEEP_TOGETHER}81,750)`. */
export const KEEP_TOGETHER = "\u00a0";

/** `wrapLine` before `KEEP_TOGETHER` becomes a space again. */
function fitLine(line: string, width: number, hang?: number): string[] {
  if (visibleWidth(line) <= width) return [line];
  const text = shortenHex(line);
  if (visibleWidth(text) <= width) return [text];
  const indent = /^ */.exec(text)?.[0].length ?? 0;
  const pad = " ".repeat(Math.min(hang ?? indent + 2, Math.floor(width / 2)));
  // Words with the spaces before them, so that a line keeps its own spacing ("tx 0x…  label  (gas …)").
  const words = [...text.slice(indent).matchAll(/( *)([^ ]+)/g)].map((m) => ({ space: m[1], word: m[2] }));
  const lines: string[] = [];
  let current = " ".repeat(indent);
  let empty = true;
  for (const { space, word } of words) {
    const room = width - visibleWidth(current) - (empty ? 0 : space.length);
    if (visibleWidth(word) <= room) {
      current += empty ? word : space + word;
      empty = false;
      continue;
    }
    if (!empty) {
      lines.push(current);
      current = pad;
    }
    if (visibleWidth(word) <= width - visibleWidth(current)) {
      current += word;
      empty = false;
      continue;
    }
    // Longer than a whole line: cut it (its colour codes are dropped).
    let rest = [...stripVTControlCharacters(word)];
    for (;;) {
      const left = Math.max(1, width - visibleWidth(current));
      current += rest.slice(0, left).join("");
      rest = rest.slice(left);
      empty = false;
      if (rest.length === 0) break;
      lines.push(current);
      current = pad;
    }
  }
  if (!empty) lines.push(current);
  return lines;
}

/** Every line of `text` fitted to `width` (see `wrapLine`), joined again. */
export function wrapText(text: string, width: number, hang?: number): string {
  return text
    .split("\n")
    .flatMap((line) => wrapLine(line, width, hang))
    .join("\n");
}
