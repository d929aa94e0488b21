// Building the page. Every piece of data reaches the page as text (text
// nodes, attribute values, `value` properties): nothing here parses HTML, so
// a product called `<img onerror=...>` shows those characters.

/**
 * Creates an element. `props`: `class`, `on` ({event: handler}), `dataset`,
 * properties that are not attributes (`value`, `checked`, `disabled`,
 * `selected`), booleans (true sets an empty attribute, false omits it), and
 * any other attribute as a string. Children: nodes, strings (as text),
 * numbers, arrays of them; null, undefined and false are skipped.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "on") {
      for (const [event, handler] of Object.entries(value)) el.addEventListener(event, handler);
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "class") {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
    } else if (["value", "checked", "selected", "disabled", "indeterminate"].includes(key)) {
      el[key] = value;
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

/** Appends children (see `h`) to `parent`. */
export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces the children of `parent`. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** A link the router handles (same origin, no reload). */
export function link(href, ...children) {
  return h("a", { href, "data-link": true }, ...children);
}

const formats = new Map();

/** Integer minor units as money in the store's currency. */
export function money(cents, currency = "USD") {
  if (!formats.has(currency)) {
    formats.set(currency, new Intl.NumberFormat(undefined, { style: "currency", currency }));
  }
  return formats.get(currency).format(Number(cents) / 100);
}

/** Whole major units typed by a person (e.g. "12.50") as minor units, or null. */
export function toCents(text) {
  const match = /^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*$/.exec(String(text ?? ""));
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
}

/** A timestamp for people. */
export function when(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** A snake_case status for people: `payment_failed` -> "Payment failed". */
export function label(status) {
  const text = String(status ?? "").replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A status as a coloured pill. */
export function pill(status) {
  return h("span", { class: ["pill", `pill-${status}`] }, label(status));
}

/** The message shown while nothing is there yet. */
export function empty(text, ...more) {
  return h("div", { class: "empty" }, h("p", {}, text), ...more);
}

/** A page heading plus content, the shape every view returns. */
export function page(title, ...content) {
  document.title = `${title} · The shop`;
  return h("section", { class: "page" }, h("h1", {}, title), ...content);
}
