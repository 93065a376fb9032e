// Every element of the page is built here, and text only ever goes in through textContent:
// a queue name or payload like <img src=x onerror=alert(1)> is shown, never parsed as HTML.

/** el("td", { class: "n" }, "text", childElement) */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replaces the children of a node. */
export function fill(node, ...children) {
  node.replaceChildren(...children.filter((child) => child !== undefined && child !== null));
}

/** A table of objects: one column per key seen in any of them. */
export function objectTable(rows) {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value) =>
    el(
      "td",
      {},
      value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value),
    );
  return el(
    "table",
    { class: "objects" },
    el("thead", {}, el("tr", {}, ...columns.map((column) => el("th", {}, column)))),
    el("tbody", {}, ...rows.map((row) => el("tr", {}, ...columns.map((column) => cell(row[column]))))),
  );
}
