// `/admin/products`: the catalogue as a table, searched and paged in the URL.

import { api } from "../core/api.js";
import { empty, h, link, money } from "../core/dom.js";
import { field, input, select } from "../core/forms.js";
import { navigate } from "../core/router.js";
import { LIMIT, adminPage, filterForm, offsetOf, pager, table, yesNo } from "./layout.js";
import { allCategories } from "./categories.js";

const SORTS = [["newest", "Newest first"], ["name", "Name, A to Z"], ["price", "Cheapest first"], ["-price", "Dearest first"]];

function openForm() {
  const form = h("form", { class: "filters", "aria-label": "Open a product" },
    field("SKU or id", input("key", { required: true, autocomplete: "off", spellcheck: "false" }),
      "Goes straight to one product."),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "Open product")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = form.elements.key.value.trim();
    if (key) navigate(`/admin/products/${encodeURIComponent(key)}`);
  });
  return form;
}

const num = (n) => [n ?? "—", "num"];

export async function products({ query }) {
  const q = query.get("q") ?? "";
  const category = query.get("category") ?? "";
  const sort = query.get("sort") ?? "newest";
  const [data, cats] = await Promise.all([
    api("/api/products", { query: { q, category, sort, limit: LIMIT, offset: offsetOf(query) } }),
    allCategories().catch(() => []),
  ]);
  // An admin's list has every product, off sale too, with its stock counts.
  const items = data.items;
  const names = new Map(cats.map((c) => [c.slug, c.name]));
  const filters = filterForm("/admin/products", "Product filters", [
    field("Search the catalogue", input("q", { type: "search", value: q, autocomplete: "off" })),
    field("Category", select("category", [["", "All categories"], ...cats.map((c) => [c.slug, c.name])], category)),
    field("Sort", select("sort", SORTS, sort)),
  ], "Find products");
  const rows = items.map((p) => [
    link(`/admin/products/${p.id}`, p.name),
    h("code", {}, p.sku),
    names.get(p.category) ?? p.category,
    [money(p.price_cents, p.currency), "num"],
    num(p.stock_on_hand),
    num(p.stock_reserved),
    p.active === undefined ? "—" : yesNo(p.active),
  ]);
  return adminPage("Products",
    h("div", { class: "actions" }, h("a", { href: "/admin/products/new", "data-link": true, class: "button" }, "New product")),
    filters,
    items.length
      ? [table("Products", ["Product", "SKU", "Category", ["Price", "num"], ["On hand", "num"], ["Reserved", "num"], "On sale"], rows),
        pager(data, query, "/admin/products")]
      : empty(q || category ? "No product matches." : "There are no products yet."),
    h("p", { class: "muted" }, "Only products on sale are listed; open one taken off sale by its SKU."),
    openForm());
}
