/** The page's small DOM toolkit: elements with attributes and children, SVG elements, lookups by id. */

export type Child = Node | string | null | undefined | false;

/** A DOM element with attributes (`data-*`, `class` …) and children; falsy children are left out. */
export function el(tag: string, attrs: Readonly<Record<string, string>> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...nodes(...children));
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** An SVG element with attributes and children. */
export function svg(tag: string, attrs: Readonly<Record<string, string | number>> = {}, ...children: Child[]): SVGElement {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  node.append(...nodes(...children));
  return node;
}

/** `children` without the falsy ones, for `append` and `replaceChildren`. */
export function nodes(...children: Child[]): (Node | string)[] {
  return children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false);
}

/** The element with id `id` (the page's layout has it; its absence is a bug of the page). */
export function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no #${id}`);
  return node;
}

/** The button with id `id`. */
export function button(id: string): HTMLButtonElement {
  const node = byId(id);
  if (!(node instanceof HTMLButtonElement)) throw new Error(`#${id} is not a button`);
  return node;
}

/** A hash or address shortened for the screen: `0x12345678…abcdef`. */
export const shortHash = (hash: string): string => `${hash.slice(0, 10)}…${hash.slice(-6)}`;
