// The cart: quantities, removal, live totals, and what changed since the
// items were added.

import { api, withQuery } from "../core/api.js";
import { getCart, refreshCartCount } from "../core/cart.js";
import { empty, h, link, money, page, replace } from "../core/dom.js";
import { field, input, onSubmit, showError } from "../core/forms.js";
import { announce } from "../core/router.js";
import { session } from "../core/session.js";
import { buttonLink, plural, problem } from "./ui.js";

/** What changed about a line, in words. */
export function lineNotes(line, currency) {
  return [
    line.available ? null : h("p", { class: "notice danger" }, "No longer available"),
    line.price_changed
      ? h("p", { class: "notice" }, `The price changed from ${money(line.added_price_cents, currency)} to ${money(line.unit_price_cents, currency)}`)
      : null,
  ];
}

export async function cartPage() {
  const box = h("div", { class: "cart" });
  const draw = (cart) => {
    const key = document.activeElement?.dataset?.key;
    replace(box, content(cart, draw));
    const again = key && box.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (again) again.focus();
    else if (key) box.querySelector("#cart-summary-title")?.focus();
  };
  draw(await getCart());
  return page("Your cart", box);
}

function content(cart, draw) {
  const { currency } = cart;
  if (!cart.items.length) {
    return empty("Your cart is empty.", link("/products", "Browse the products"));
  }
  const update = async (next, message) => {
    draw(next);
    await refreshCartCount(next);
    announce(`${message} Total: ${money(next.total_cents, currency)}.`);
  };
  const lines = cart.items.map((line) => {
    const nameId = `line-${line.id}`;
    const quantity = input("quantity", {
      type: "number", min: 1, max: 99, value: String(line.quantity), inputmode: "numeric",
      class: "short", "aria-describedby": nameId, dataset: { key: `q-${line.id}` },
    });
    const form = h("form", { class: "line-qty", novalidate: true },
      field("Quantity", quantity),
      h("button", { type: "submit", class: "secondary", dataset: { key: `u-${line.id}` } }, "Update"));
    onSubmit(form, async (v) => {
      const n = Number(v.quantity);
      if (!Number.isInteger(n) || n < 1 || n > 99) {
        showError(form, problem("Please check the quantity.", { quantity: "Enter a whole number from 1 to 99 (or remove the item)." }));
        return;
      }
      if (n === line.quantity) return;
      const next = await api(`/api/cart/items/${line.id}`, { method: "PATCH", body: { quantity: n } });
      await update(next, `${line.name}: quantity ${n}.`);
    });
    quantity.addEventListener("change", () => form.requestSubmit());
    const failed = h("p", { class: "error", role: "alert" });
    const remove = h("button", {
      type: "button",
      class: "danger",
      "aria-describedby": nameId,
      dataset: { key: `r-${line.id}` },
      on: {
        click: async () => {
          remove.disabled = true;
          failed.textContent = "";
          try {
            const next = await api(`/api/cart/items/${line.id}`, { method: "DELETE" });
            await update(next ?? await getCart(), `${line.name} was removed from your cart.`);
          } catch (error) {
            remove.disabled = false;
            failed.textContent = error.detail || "The item could not be removed.";
          }
        },
      },
    }, "Remove");
    return h("li", { class: ["cart-line", line.available ? null : "unavailable"] },
      h("div", { class: "line-info" },
        h("h2", { class: "line-name", id: nameId }, link(`/products/${line.product_id}`, line.name)),
        h("p", { class: "muted" }, `${money(line.unit_price_cents, currency)} each`),
        lineNotes(line, currency)),
      form,
      h("p", { class: "line-total" }, h("span", { class: "visually-hidden" }, "Line total: "),
        h("span", { class: "price" }, money(line.line_total_cents, currency))),
      h("div", { class: "line-remove" }, remove, failed));
  });
  const count = cart.items.reduce((sum, line) => sum + line.quantity, 0);
  const unavailable = cart.items.some((line) => !line.available);
  const next = withQuery("/signin", { next: "/checkout" });
  return [
    cart.prices_current ? null : h("p", { class: "notice" },
      "Today's prices could not be checked just now: the prices shown are those from when the items were added. Checkout uses the current prices."),
    h("ul", { class: "cart-lines" }, lines),
    h("section", { class: "card cart-summary", "aria-labelledby": "cart-summary-title" },
      h("h2", { id: "cart-summary-title", tabindex: "-1" }, "Summary"),
      h("p", {}, plural(count, "item")),
      h("p", { class: "total" }, "Total: ", h("span", { class: "price" }, money(cart.total_cents, currency))),
      unavailable ? h("p", { class: "notice danger" }, "Remove the items that are no longer available before you check out.") : null,
      session.user
        ? h("p", {}, buttonLink("/checkout", "Checkout"))
        : [
          h("p", {}, buttonLink(next, "Checkout")),
          h("p", { class: "muted" }, "You will be asked to sign in first. New here? ",
            link(withQuery("/signup", { next: "/checkout" }), "Create an account"), "."),
        ]),
  ];
}
