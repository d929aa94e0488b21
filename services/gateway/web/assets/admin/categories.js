// `/admin/categories`: the list and a form to add one.

import { api } from "../core/api.js";
import { empty, h } from "../core/dom.js";
import { field, input, onSubmit } from "../core/forms.js";
import { announce } from "../core/router.js";
import { LIMIT, adminPage, offsetOf, pager, reload, table } from "./layout.js";

/** Every category (for the product form's list), by name. */
export async function allCategories() {
  const out = [];
  for (let offset = 0; offset < 1000; offset += 100) {
    const page = await api("/api/categories", { query: { limit: 100, offset } });
    out.push(...page.items);
    if (offset + page.limit >= page.total) break;
  }
  return out;
}

const slugify = (text) => text.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 64);

function createForm() {
  const name = input("name", { required: true, maxlength: 100, autocomplete: "off" });
  const slug = input("slug", { required: true, maxlength: 64, autocomplete: "off", spellcheck: "false" });
  let typed = false;
  slug.addEventListener("input", () => { typed = slug.value !== ""; });
  name.addEventListener("input", () => { if (!typed) slug.value = slugify(name.value); });
  const form = h("form", { class: "stack create", novalidate: true, "aria-labelledby": "new-category" },
    h("h2", { id: "new-category" }, "New category"),
    field("Name", name),
    field("Slug", slug, "Used in links and filters: lowercase letters and digits joined by “-”, e.g. garden-tools."),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Create category")));
  return onSubmit(form, async (v) => {
    const made = await api("/api/categories", { method: "POST", body: { name: v.name, slug: v.slug } });
    await reload("form.create [name=name]");
    announce(`Category ${made.name} created.`);
  });
}

export async function categories({ query }) {
  const data = await api("/api/categories", { query: { limit: LIMIT, offset: offsetOf(query) } });
  const list = data.items.length
    ? [table("Categories", ["Name", "Slug"], data.items.map((c) => [c.name, h("code", {}, c.slug)])),
      pager(data, query, "/admin/categories")]
    : empty("There are no categories yet.");
  return adminPage("Categories", list, createForm());
}
