// One product: its pictures, description, price, stock and "Add to cart".

import { api } from "../core/api.js";
import { refreshCartCount } from "../core/cart.js";
import { h, link, money, page, replace } from "../core/dom.js";
import { field, input, onSubmit, showError } from "../core/forms.js";
import { announce } from "../core/router.js";
import { categories, picture, pictures, problem, stockPill } from "./ui.js";

const STOCK_TEXT = {
  in_stock: "In stock.",
  low_stock: "Only a few left: order soon.",
  out_of_stock: "Out of stock: it cannot be ordered just now.",
};

function gallery(product) {
  const images = pictures(product);
  const main = h("div", {}, picture(product, images[0], { large: true, cls: "main-image" }));
  if (images.length < 2) return h("div", { class: "gallery" }, main);
  const buttons = [];
  const show = (i, focus = false) => {
    replace(main, picture(product, images[i], { large: true, cls: "main-image" }));
    buttons.forEach((b, j) => b.setAttribute("aria-pressed", String(i === j)));
    if (focus) buttons[i].focus();
  };
  images.forEach((image, i) => {
    buttons.push(h("button", {
      type: "button",
      class: "thumb",
      "aria-pressed": String(i === 0),
      on: {
        click: () => show(i),
        keydown: (event) => {
          const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
          if (!step) return;
          event.preventDefault();
          show((i + step + images.length) % images.length, true);
        },
      },
    },
    h("img", { src: image.thumb_url || image.url, alt: "", loading: "lazy" }),
    h("span", { class: "visually-hidden" }, `Show picture ${i + 1} of ${images.length}${image.alt ? `: ${image.alt}` : ""}`)));
  });
  return h("div", { class: "gallery" }, main,
    h("ul", { class: "thumbs", "aria-label": "Pictures" }, buttons.map((b) => h("li", {}, b))));
}

function addForm(product) {
  const soldOut = product.stock_hint === "out_of_stock";
  const quantity = input("quantity", {
    type: "number", min: 1, max: 99, value: "1", inputmode: "numeric", class: "short", disabled: soldOut,
  });
  const done = h("p", { class: "added", hidden: true }, "In your cart. ", link("/cart", "View your cart"));
  const form = h("form", { class: "add-to-cart", novalidate: true },
    field("Quantity", quantity),
    h("div", { class: "actions" }, h("button", { type: "submit", disabled: soldOut }, "Add to cart")),
    soldOut ? h("p", { class: "muted" }, "This product is out of stock, so it cannot be added to the cart.") : null,
    done);
  onSubmit(form, async (v) => {
    const n = Number(v.quantity);
    if (!Number.isInteger(n) || n < 1 || n > 99) {
      showError(form, problem("Please check the quantity.", { quantity: "Enter a whole number from 1 to 99." }));
      return;
    }
    const cart = await api("/api/cart/items", { method: "POST", body: { product_id: product.id, quantity: n } });
    await refreshCartCount(cart);
    done.hidden = false;
    announce(`Added to cart: ${n} × ${product.name}.`);
  });
  return form;
}

export async function productPage({ params }) {
  const [product, cats] = await Promise.all([
    api(`/api/products/${encodeURIComponent(params.id)}`),
    categories().catch(() => []),
  ]);
  const category = cats.find((c) => c.slug === product.category);
  const view = page(product.name);
  const title = view.querySelector("h1");
  const info = h("div", { class: "product-info" },
    title,
    h("p", { class: "price big" }, money(product.price_cents, product.currency)),
    h("p", { class: "stock" }, stockPill(product.stock_hint), " ",
      h("span", { class: "muted" }, STOCK_TEXT[product.stock_hint] || "")),
    addForm(product),
    h("h2", {}, "Description"),
    product.description
      ? h("p", { class: "description" }, product.description)
      : h("p", { class: "muted" }, "No description yet."),
    h("p", { class: "muted" }, `SKU: ${product.sku}`,
      category ? [" · Category: ", link(`/products?category=${encodeURIComponent(category.slug)}`, category.name)] : null));
  view.append(h("nav", { class: "crumbs", "aria-label": "Breadcrumb" },
    link("/products", "Products"),
    category ? [" / ", link(`/products?category=${encodeURIComponent(category.slug)}`, category.name)] : null));
  view.append(h("div", { class: "product" }, gallery(product), info));
  return view;
}
