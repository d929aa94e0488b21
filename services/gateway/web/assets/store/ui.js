// Pieces the storefront pages share: product cards, stock words, pagers,
// addresses, and the sign-in guard.

import { ApiError, api } from "../core/api.js";
import { h, label, link, money } from "../core/dom.js";
import { field, input } from "../core/forms.js";
import { session } from "../core/session.js";

const STOCK = { in_stock: "In stock", low_stock: "Only a few left", out_of_stock: "Out of stock" };

/** The stock hint in words, as a coloured pill. */
export function stockPill(hint) {
  return h("span", { class: ["pill", `pill-${hint}`] }, STOCK[hint] || label(hint));
}

/** Throws the router's 401 page ("Please sign in") for a guest. */
export function requireUser() {
  if (!session.user) throw new ApiError(401, { detail: "Please sign in." });
}

/** An order's short reference: the last 8 characters of its id (the random
 * part of a UUIDv7; the back office shows the same). */
export const shortId = (id) => String(id).slice(-8);

/** `next` when it is a path on this site, else "/". */
export function safeNext(next) {
  return next && /^\/(?![/\\])/.test(next) ? next : "/";
}

export const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/** A product's pictures, the legacy `image_url` as one when it has none. */
export function pictures(product) {
  if (product.images?.length) return product.images.filter((i) => i.url || i.thumb_url);
  return product.image_url ? [{ url: product.image_url, thumb_url: product.image_url, alt: "" }] : [];
}

/** An <img> of a picture (its thumb, or the large one), or a placeholder. */
export function picture(product, image, { large = false, cls = "" } = {}) {
  const none = () => h("div", { class: ["noimg", cls] }, h("span", {}, "No picture"));
  if (!image) return none();
  const src = large ? image.url || image.thumb_url : image.thumb_url || image.url;
  return h("img", {
    class: cls,
    src,
    alt: image.alt || product.name,
    width: image.width || null,
    height: image.height || null,
    loading: large ? null : "lazy",
    decoding: "async",
    // A signed link past its expiry: show the placeholder instead.
    on: { error: (e) => e.target.replaceWith(none()) },
  });
}

/** A product in a list: picture, name (a link), price and stock. */
export function productCard(product, heading = "h2") {
  return h("article", { class: "card product-card" },
    picture(product, pictures(product)[0], { cls: "card-img" }),
    h(heading, { class: "product-name" }, link(`/products/${product.id}`, product.name)),
    h("p", { class: "price" }, money(product.price_cents, product.currency)),
    h("p", { class: "stock" }, stockPill(product.stock_hint)));
}

let categoriesPromise = null;

/** The categories (cached for the visit). */
export function categories() {
  categoriesPromise ??= api("/api/categories", { query: { limit: 100 } })
    .then((page) => page.items)
    .catch((error) => { categoriesPromise = null; throw error; });
  return categoriesPromise;
}

/** Previous/next links for a `{total, limit, offset}` page. */
export function pager({ total, limit, offset }, hrefFor) {
  if (total <= limit && offset === 0) return null;
  const pages = Math.max(1, Math.ceil(total / limit));
  const current = Math.min(pages, Math.floor(offset / limit) + 1);
  const prev = offset > 0 ? link(hrefFor(Math.max(0, offset - limit)), "Previous page") : null;
  const next = offset + limit < total ? link(hrefFor(offset + limit), "Next page") : null;
  prev?.setAttribute("rel", "prev");
  next?.setAttribute("rel", "next");
  return h("nav", { class: "pager", "aria-label": "Pages" }, prev, h("span", {}, `Page ${current} of ${pages}`), next);
}

/** An address as lines of text. */
export function addressLines(a) {
  return [a.name, a.line1, a.line2, `${a.postal_code} ${a.city}`, a.country].filter(Boolean);
}

/** An address as an <address> block. */
export function addressBlock(a) {
  const lines = addressLines(a);
  return h("address", {}, lines.flatMap((line, i) => (i ? [h("br"), line] : [line])));
}

/** The labelled controls of a postal address (names as the API spells them). */
export function addressFields() {
  return [
    field("Full name", input("name", { autocomplete: "name", required: true, maxlength: 100 })),
    field("Address line 1", input("line1", { autocomplete: "address-line1", required: true, maxlength: 200 })),
    field("Address line 2 (optional)", input("line2", { autocomplete: "address-line2", maxlength: 200 })),
    h("div", { class: "row" },
      field("Postal code", input("postal_code", { autocomplete: "postal-code", required: true, maxlength: 20 })),
      field("City", input("city", { autocomplete: "address-level2", required: true, maxlength: 100 }))),
    field("Country", input("country", {
      autocomplete: "country", required: true, maxlength: 2, class: "short", autocapitalize: "characters",
    }), "Two-letter code, e.g. DE, FR, GB or US."),
  ];
}

/** The API's address from the form's values. */
export function addressBody(v) {
  return {
    name: v.name,
    line1: v.line1,
    line2: v.line2 || null,
    city: v.city,
    postal_code: v.postal_code,
    country: (v.country || "").toUpperCase(),
  };
}

/** An error `showError` can show that the shop did not send. */
export function problem(detail, fields = {}, status = 422) {
  return { status, detail, fields };
}

/** A router link that looks like a button. */
export function buttonLink(href, text, secondary = false) {
  const a = link(href, text);
  a.className = secondary ? "button secondary" : "button";
  return a;
}
