// `/admin/products/new` and `/admin/products/:id` (an id or a SKU): the
// product's details, sale, stock and pictures.

import { ApiError, api } from "../core/api.js";
import { h, link, money, pill, toCents, when } from "../core/dom.js";
import { field, input, onSubmit, select } from "../core/forms.js";
import { announce, navigate } from "../core/router.js";
import { actionForm, adminPage, facts, focus } from "./layout.js";
import { allCategories } from "./categories.js";
import { imagesSection } from "./images.js";

function invalid(name, message) {
  return new ApiError(422, { code: "validation_failed", detail: "Check the marked field.", fields: { [name]: message } });
}

function whole(text, name, max) {
  if (!/^\d+$/.test(text) || Number(text) > max) throw invalid(name, `Type a whole number from 0 to ${max}.`);
  return Number(text);
}

function categoryControl(cats, current) {
  if (!cats.length) return input("category", { value: current ?? "", autocomplete: "off" });
  const options = cats.map((c) => [c.slug, c.name]);
  if (current && !cats.some((c) => c.slug === current)) options.push([current, current]);
  return select("category", [["", "Choose a category"], ...options], current ?? "");
}

/** The details form's values as the API's fields (the price typed in major units). */
function details(v) {
  const price = toCents(v.price_cents);
  if (price === null) throw invalid("price_cents", "Type a price such as 12.50.");
  return { sku: v.sku, name: v.name, description: v.description, price_cents: price, category: v.category };
}

function productForm(product, cats, save) {
  const form = h("form", { class: "stack product-form", novalidate: true, "aria-labelledby": "details-h" },
    h("h2", { id: "details-h" }, "Details"),
    field("SKU", input("sku", { value: product?.sku ?? "", maxlength: 64, autocomplete: "off", spellcheck: "false" }),
      "1 to 64 letters, digits, “-” or “_”; no two products share one."),
    field("Name", input("name", { value: product?.name ?? "", maxlength: 200, autocomplete: "off" })),
    field("Description", h("textarea", { name: "description", rows: 5, maxlength: 5000, value: product?.description ?? "" })),
    field("Price", input("price_cents", {
      value: product ? (product.price_cents / 100).toFixed(2) : "", inputmode: "decimal", autocomplete: "off",
    }), `In ${product?.currency ?? "the shop's currency"}, for example 12.50.`),
    field("Category", categoryControl(cats, product?.category)),
    product ? null : field("Stock on hand", input("stock_on_hand", { type: "number", min: 0, step: 1, value: "0", inputmode: "numeric" })),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Save product")));
  return onSubmit(form, save);
}

export async function newProduct() {
  const cats = await allCategories().catch(() => []);
  const form = productForm(null, cats, async (v) => {
    const body = details(v);
    body.stock_on_hand = v.stock_on_hand === "" ? 0 : whole(v.stock_on_hand, "stock_on_hand", 2147483647);
    const made = await api("/api/products", { method: "POST", body });
    await navigate(`/admin/products/${made.id}`);
    announce(`Product ${made.name} created.`);
  });
  return adminPage("New product",
    cats.length ? null : h("p", {}, "There are no categories yet: ", link("/admin/categories", "add one first"), "."),
    form, link("/admin/products", "Back to products"));
}

export async function editProduct({ params }) {
  const [product, cats] = await Promise.all([
    api(`/api/products/${encodeURIComponent(params.id)}`),
    allCategories().catch(() => []),
  ]);
  return editView(product, cats);
}

function editView(product, cats) {
  const path = location.pathname;
  const show = (next, selector) => {
    if (location.pathname !== path) return;
    const view = editView(next, cats);
    document.getElementById("main").replaceChildren(view);
    focus(view.querySelector(selector));
  };
  const url = `/api/products/${product.id}`;
  const onSale = product.active !== false;
  const name = cats.find((c) => c.slug === product.category)?.name ?? product.category;
  const available = (product.stock_on_hand ?? 0) - (product.stock_reserved ?? 0);

  const form = productForm(product, cats, async (v) => {
    const next = await api(url, { method: "PATCH", body: details(v) });
    show(next, "#details-h");
    announce(`Product ${next.name} saved.`);
  });

  const sale = h("section", { class: "sale", "aria-labelledby": "sale-h" },
    h("h2", { id: "sale-h" }, "Sale"),
    h("p", {}, pill(onSale ? "on_sale" : "off_sale"), " ",
      onSale ? "Shoppers can find and buy it." : "Shoppers cannot find it; past orders still show it."),
    actionForm(onSale ? "Take off sale" : "Put on sale", async () => {
      const next = await api(url, { method: "PATCH", body: { active: !onSale } });
      show(next, ".sale button");
      announce(`${next.name} ${onSale ? "taken off sale" : "put on sale"}.`);
    }, { secondary: onSale }));

  const stock = h("section", { class: "stock", "aria-labelledby": "stock-h" },
    h("h2", { id: "stock-h" }, "Stock"),
    facts([
      ["On hand", product.stock_on_hand],
      ["Reserved by checkouts", product.stock_reserved],
      ["Available to buy", Number.isNaN(available) ? null : available],
    ]),
    actionForm("Set stock", async (v) => {
      const n = whole(v.stock_on_hand, "stock_on_hand", 1000000);
      const next = await api(`${url}/stock`, { method: "PUT", body: { stock_on_hand: n } });
      show(next, ".stock input");
      announce(`Stock of ${next.name} set to ${n}.`);
    }, {
      fields: field("Stock on hand", input("stock_on_hand", {
        type: "number", min: 0, max: 1000000, step: 1, inputmode: "numeric", value: String(product.stock_on_hand ?? 0),
      }), "Never below what checkouts have reserved."),
    }));

  return adminPage(`Edit ${product.name}`,
    facts([
      ["SKU", h("code", {}, product.sku)],
      ["Price", money(product.price_cents, product.currency)],
      ["Category", name],
      ["Updated", when(product.updated_at)],
    ]),
    h("div", { class: "edit-columns" }, form, h("div", {}, sale, stock)),
    imagesSection(product),
    h("p", {}, link("/admin/products", "Back to products")));
}
