// The back office's frame and shared pieces: the
// sub-navigation, pagers, filter forms and one-button action forms.

import { api, withQuery } from "../core/api.js";
import { h, link, page } from "../core/dom.js";
import { onSubmit, values } from "../core/forms.js";
import { navigate, refresh } from "../core/router.js";

export const LIMIT = 20;

const SECTIONS = [
  ["/admin", "Overview"],
  ["/admin/products", "Products"],
  ["/admin/categories", "Categories"],
  ["/admin/orders", "Orders"],
  ["/admin/packing", "Packing"],
  ["/admin/shipments", "Shipments"],
  ["/admin/returns", "Returns"],
  ["/admin/cache", "Cache"],
];

function nav() {
  const here = location.pathname.replace(/\/+$/, "") || "/";
  return h("nav", { class: "admin-nav", "aria-label": "Back office" }, h("ul", {},
    SECTIONS.map(([href, text]) => {
      const a = link(href, text);
      if (here === href) a.setAttribute("aria-current", "page");
      else if (href !== "/admin" && here.startsWith(`${href}/`)) a.setAttribute("aria-current", "true");
      return h("li", {}, a);
    })));
}

/** A back-office page: the sub-navigation, the heading, the content. */
export function adminPage(title, ...content) {
  const section = page(title, ...content);
  section.classList.add("admin");
  section.prepend(nav());
  return section;
}

/** `?offset=` as a whole number of items to skip. */
export function offsetOf(query) {
  return Math.max(0, Number.parseInt(query.get("offset") ?? "", 10) || 0);
}

/** Previous / next links for a `Page` answer, keeping the other query parameters. */
export function pager(data, query, path) {
  const { total, limit, offset } = data;
  const pages = Math.max(1, Math.ceil(total / limit));
  const at = (o) => {
    const q = new URLSearchParams(query);
    if (o > 0) q.set("offset", String(o)); else q.delete("offset");
    const text = q.toString();
    return text ? `${path}?${text}` : path;
  };
  return h("nav", { class: "pager", "aria-label": "Pages" },
    offset > 0 ? link(at(Math.max(0, offset - limit)), "Previous page") : null,
    h("span", {}, `Page ${Math.floor(offset / limit) + 1} of ${pages} · ${total} in all`),
    offset + limit < total ? link(at(offset + limit), "Next page") : null);
}

/** A form whose values become the page's query (filters live in the URL). */
export function filterForm(path, name, fields, submit = "Apply filters") {
  const form = h("form", { class: "filters", role: "search", "aria-label": name }, fields,
    h("div", { class: "actions" }, h("button", { type: "submit" }, submit),
      location.search ? link(path, "Clear") : null));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    navigate(withQuery(path, values(form)));
  });
  return form;
}

/** Focuses `el` (made focusable when it is not). */
export function focus(el) {
  if (!el) return;
  if (!el.matches("a[href], button, input, select, textarea, [tabindex]")) el.setAttribute("tabindex", "-1");
  el.focus();
}

/** Re-renders the page, then focuses what `selector` finds (else the main region). */
export async function reload(selector) {
  await refresh();
  focus((selector && document.querySelector(`#main ${selector}`)) || document.getElementById("main"));
}

/**
 * A form with one submit button running `action(values)`; its errors show on
 * it. `confirm`: {ask, keep}: the first press asks (the button reads `ask`,
 * and a `keep` button backs out), the second acts.
 */
export function actionForm(text, action, { fields = null, confirm = null, danger = false, disabled = false, secondary = false } = {}) {
  const button = h("button", { type: "submit", class: danger ? "danger" : secondary ? "secondary" : null, disabled }, text);
  const said = h("span", { class: "visually-hidden", "aria-live": "polite" });
  const form = h("form", { class: "action" }, fields, button, said);
  let keep = null;
  const disarm = () => {
    keep?.remove();
    keep = null;
    button.textContent = text;
    said.textContent = "";
  };
  if (confirm) {
    button.addEventListener("click", (event) => {
      if (keep) return;
      event.preventDefault();
      button.textContent = confirm.ask;
      keep = h("button", { type: "button", class: "secondary", on: { click: () => { disarm(); button.focus(); } } }, confirm.keep);
      button.after(keep);
      said.textContent = `Press “${confirm.ask}” again to go ahead, or “${confirm.keep}”.`;
    });
  }
  onSubmit(form, async (vals) => {
    if (confirm && !keep) return;
    try {
      await action(vals);
    } finally {
      if (form.isConnected) disarm();
    }
  });
  return form;
}

/** A definition list of [term, value] pairs; empty values are left out. */
export function facts(pairs) {
  return h("dl", { class: "facts" }, pairs
    .filter((p) => p && p[1] !== null && p[1] !== undefined && p[1] !== "")
    .map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
}

/** A postal address, one line each. */
export function address(a) {
  if (!a) return null;
  const lines = [a.name, a.line1, a.line2, `${a.postal_code} ${a.city}`, a.country].filter(Boolean);
  return h("address", {}, lines.map((line, i) => [i ? h("br") : null, line]));
}

/** A short, readable reference for an id (its last 8 characters: the random part of a UUIDv7). */
export const ref = (id) => `#${String(id).slice(-8)}`;

export const yesNo = (b) => (b ? "Yes" : "No");

/** A table with column headings; `rows` are arrays of cells (the first is the row's heading). */
export function table(caption, heads, rows) {
  return h("div", { class: "table-wrap" }, h("table", {},
    h("caption", { class: "visually-hidden" }, caption),
    h("thead", {}, h("tr", {}, heads.map((head) => {
      const [text, cls] = Array.isArray(head) ? head : [head];
      return h("th", { scope: "col", class: cls }, text);
    }))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell, i) => {
      const [content, cls] = Array.isArray(cell) ? cell : [cell];
      return i === 0 ? h("th", { scope: "row", class: cls }, content) : h("td", { class: cls }, content);
    }))))));
}

/** Replaces `node` with `next` and focuses `next`'s heading. */
export function swap(node, next) {
  node.replaceWith(next);
  focus(next.querySelector("h2, h3"));
}

/** An error (ApiError) as a short alert in the page. */
export function problem(error) {
  return h("p", { class: "error", role: "alert" }, error.detail || String(error));
}

const memo = new Map();

/** Orders by id, fetched once per page view batch (lines name the products). */
export function orderOf(id) {
  if (!memo.has(id)) memo.set(id, api(`/api/orders/${encodeURIComponent(id)}`).catch(() => { memo.delete(id); return null; }));
  return memo.get(id);
}
