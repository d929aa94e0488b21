// The product list: every filter lives in the URL (`?q=&category=&min_price=
// &max_price=&in_stock=1&sort=&offset=`), so links, reloads and Back work.

import { api, withQuery } from "../core/api.js";
import { empty, h, link, page, toCents } from "../core/dom.js";
import { field, input, select, showError, values } from "../core/forms.js";
import { announce, navigate } from "../core/router.js";
import { categories, pager, plural, problem, productCard } from "./ui.js";

const LIMIT = 12;
const SORTS = [
  ["newest", "Newest first"],
  ["price", "Price: low to high"],
  ["-price", "Price: high to low"],
  ["name", "Name: A to Z"],
];
const KEYS = ["q", "category", "min_price", "max_price", "in_stock", "sort", "limit", "offset"];

/** The list's state from the page's query. */
function readState(query) {
  const s = {};
  for (const key of KEYS) s[key] = (query.get(key) || "").trim();
  s.limit = Math.min(100, Math.max(1, Number.parseInt(s.limit, 10) || LIMIT));
  s.offset = Math.max(0, Number.parseInt(s.offset, 10) || 0);
  s.in_stock = s.in_stock === "1" || s.in_stock === "true";
  if (!SORTS.some(([value]) => value === s.sort)) s.sort = "newest";
  return s;
}

/** The page's URL for a state (defaults left out). */
function urlOf(s) {
  return withQuery("/products", {
    q: s.q,
    category: s.category,
    min_price: s.min_price,
    max_price: s.max_price,
    in_stock: s.in_stock ? "1" : "",
    sort: s.sort === "newest" ? "" : s.sort,
    limit: s.limit === LIMIT ? "" : s.limit,
    offset: s.offset || "",
  });
}

/** Field errors of the price filters, or null. */
function priceErrors(s) {
  const fields = {};
  const min = s.min_price ? toCents(s.min_price) : null;
  const max = s.max_price ? toCents(s.max_price) : null;
  if (s.min_price && min === null) fields.min_price = "Enter an amount such as 10 or 12.50.";
  if (s.max_price && max === null) fields.max_price = "Enter an amount such as 10 or 12.50.";
  if (min !== null && max !== null && min > max) fields.min_price = "The minimum is above the maximum.";
  return Object.keys(fields).length ? problem("Please check the prices.", fields) : null;
}

function filterForm(s, cats) {
  const form = h("form", { class: "shop-filters card", "aria-label": "Filter products", novalidate: true },
    h("h2", {}, "Filter"),
    field("Search", input("q", { type: "search", value: s.q, maxlength: 200 })),
    field("Category", select("category", [["", "All categories"], ...cats.map((c) => [c.slug, c.name])], s.category)),
    h("div", { class: "row" },
      field("Minimum price", input("min_price", { inputmode: "decimal", value: s.min_price, class: "short" })),
      field("Maximum price", input("max_price", { inputmode: "decimal", value: s.max_price, class: "short" }))),
    h("div", { class: "field inline" },
      h("input", { type: "checkbox", name: "in_stock", value: "1", id: "filter-in-stock", checked: s.in_stock }),
      h("label", { for: "filter-in-stock" }, "In stock only")),
    field("Sort", select("sort", SORTS, s.sort)),
    h("div", { class: "actions" },
      h("button", { type: "submit" }, "Apply filters"),
      link("/products", "Clear filters")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const v = values(form);
    const next = {
      ...s, q: v.q, category: v.category, min_price: v.min_price, max_price: v.max_price,
      in_stock: v.in_stock === "1", sort: v.sort, offset: 0,
    };
    const bad = priceErrors(next);
    if (bad) showError(form, bad);
    else navigate(urlOf(next));
  });
  return form;
}

export async function productsPage({ query }) {
  const s = readState(query);
  const bad = priceErrors(s);
  const [cats, result] = await Promise.all([
    categories().catch(() => []),
    bad ? null : api("/api/products", {
      query: {
        q: s.q,
        category: s.category,
        min_price_cents: s.min_price ? toCents(s.min_price) : "",
        max_price_cents: s.max_price ? toCents(s.max_price) : "",
        in_stock: s.in_stock ? "true" : "",
        sort: s.sort,
        limit: s.limit,
        offset: s.offset,
      },
    }).catch((error) => {
      if (error.status === 422 || error.status === 400) return error;
      throw error;
    }),
  ]);
  const form = filterForm(s, cats);
  let results;
  if (bad || result instanceof Error) {
    const error = bad || result;
    const fields = {};
    for (const [name, message] of Object.entries(error.fields || {})) {
      fields[name.replace(/_cents$/, "")] = message;
    }
    showError(form, problem(error.detail, fields));
    results = [h("h2", { id: "results" }, "Results"), empty("Change the filters to see products.")];
  } else {
    const found = result.total;
    const heading = s.q ? `${plural(found, "product")} for “${s.q}”` : plural(found, "product");
    results = [
      h("h2", { id: "results" }, heading),
      result.items.length
        ? h("div", { class: "grid products" }, result.items.map((p) => productCard(p, "h3")))
        : empty("No products match.", link("/products", "Show all products")),
      pager(result, (offset) => urlOf({ ...s, offset })),
    ];
    if ([...query.keys()].length) announce(`${plural(found, "product")} found.`);
  }
  const category = cats.find((c) => c.slug === s.category);
  return page(category ? category.name : "Products",
    h("div", { class: "catalogue" }, form, h("section", { class: "results", "aria-labelledby": "results" }, results)));
}
