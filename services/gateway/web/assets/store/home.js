// The home page: the categories and the newest products.

import { api } from "../core/api.js";
import { empty, h, link, page } from "../core/dom.js";
import { categories, productCard } from "./ui.js";

export async function homePage() {
  const [cats, newest] = await Promise.all([
    categories().catch(() => null),
    api("/api/products", { query: { sort: "newest", limit: 8 } }),
  ]);
  let catList;
  if (cats === null) catList = h("p", { class: "muted" }, "The categories cannot be shown just now.");
  else if (!cats.length) catList = empty("No categories yet.");
  else {
    catList = h("ul", { class: "category-list" }, cats.map((c) =>
      h("li", {}, link(`/products?category=${encodeURIComponent(c.slug)}`, c.name))));
  }
  return page("Welcome to the shop",
    h("section", { "aria-labelledby": "home-cats" },
      h("h2", { id: "home-cats" }, "Shop by category"), catList),
    h("section", { "aria-labelledby": "home-new" },
      h("h2", { id: "home-new" }, "New in"),
      newest.items.length
        ? h("div", { class: "grid products" }, newest.items.map((p) => productCard(p, "h3")))
        : empty("No products yet."),
      h("p", {}, link("/products", "See all products"))));
}
