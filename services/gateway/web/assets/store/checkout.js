// Checkout: the cart, where to ship, how to pay, and "Place order" with an
// Idempotency-Key kept while the same submission is retried.

import { api, idempotencyKey } from "../core/api.js";
import { getCart, refreshCartCount } from "../core/cart.js";
import { append, empty, h, link, money, page } from "../core/dom.js";
import { field, input, onSubmit, showError } from "../core/forms.js";
import { announce, navigate } from "../core/router.js";
import { lineNotes } from "./cart.js";
import { addressBody, addressFields, addressLines, problem, requireUser, sleep } from "./ui.js";

const TEST_CARDS = [
  ["4242 4242 4242 4242", "succeeds"],
  ["4000 0000 0000 0002", "is declined"],
  ["4000 0000 0000 9995", "is declined for insufficient funds"],
  ["4000 0000 0000 0119", "fails every time (the processor is down)"],
  ["4000 0000 0000 0259", "fails once, then succeeds"],
];

/** Answers worth sending again with the same key. */
const RETRY = new Set(["checkout_in_progress", "idempotency_key_in_flight", "payment_pending"]);
const retryable = (e) => [0, 502, 503, 504].includes(e.status) || RETRY.has(e.code);

let ids = 0;
function choice(name, value, text, { checked = false, hint } = {}) {
  const id = `c${++ids}`;
  const radio = h("input", { type: "radio", name, value, id, checked });
  const parts = [radio, h("label", { for: id }, text)];
  if (hint) {
    radio.setAttribute("aria-describedby", `${id}-hint`);
    parts.push(h("span", { class: "hint", id: `${id}-hint` }, hint));
  }
  return h("div", { class: "choice field" }, parts);
}

const DECLINES = {
  card_declined: "Your card was declined. Try another card, or pay from your wallet.",
  insufficient_funds: "There is not enough money on the card for this order.",
  wallet_not_found: "You have no wallet yet. Please pay by card.",
  processor_unavailable: "The card could not be charged: the payment processor is not answering. Please try again in a few minutes.",
  wallet_unavailable: "Your wallet cannot be reached just now. Please try again in a moment.",
};

const NOTHING = " Nothing was charged.";
const REFUSALS = {
  out_of_stock: "Some items are not in stock in the quantity you asked for.",
  product_unavailable: "Some items in your cart are no longer sold.",
  cart_empty: "Your cart is empty.",
  checkout_interrupted: "The checkout was interrupted before anything was charged. Please try again.",
  idempotency_key_reused: "Your details changed while the order was being sent. Press Place order again.",
};

/** The checkout's refusal in words: [message, extra nodes, fields]. */
function explain(error, cart, payType) {
  const nameOf = (l) => cart.items.find((i) => i.product_id === l.product_id)?.name || l.sku || "An item";
  const code = error.fields?.decline_code || error.code;
  if (error.status === 402) {
    const text = code === "insufficient_funds" && payType === "wallet"
      ? "Your wallet balance is too low for this order. Pay by card, or ask for credit."
      : DECLINES[code] || "The payment was declined.";
    return [text + NOTHING, [], {}];
  }
  if (REFUSALS[error.code]) {
    const items = error.lines.map((l) => h("li", {}, nameOf(l), error.code !== "out_of_stock" ? ""
      : l.available > 0 ? `: you asked for ${l.requested}, only ${l.available} left.` : ": out of stock."));
    return [REFUSALS[error.code] + NOTHING,
      [items.length ? h("ul", {}, items) : null, h("p", {}, link("/cart", "Change your cart"))], {}];
  }
  if (error.code === "checkout_failed") {
    return ["The order could not be completed in time. Any money taken has been refunded to you.", [], {}];
  }
  if (retryable(error)) {
    return ["The shop could not confirm your order yet. Press Place order again: it will not be placed or charged twice.", [], {}];
  }
  if (error.status === 401) {
    return ["You are no longer signed in." + NOTHING, [h("p", {}, link("/signin?next=%2Fcheckout", "Sign in again"))], {}];
  }
  if (error.status === 422 || error.status === 400) {
    const more = Object.keys(error.fields).length ? "" : ` (${error.detail})`;
    return [`Please check the highlighted details.${NOTHING}${more}`, [], error.fields];
  }
  return [error.detail, [], error.fields || {}];
}

/** The payment as the API takes it, or field errors. */
function payment(v) {
  if (v.payment_type === "wallet") return [{ type: "wallet" }, {}];
  const fields = {};
  const number = (v.card_number || "").replace(/[\s-]/g, "");
  if (!/^\d{12,19}$/.test(number)) fields.card_number = "Enter the 12 to 19 digits on the card.";
  const month = Number(v.exp_month);
  if (!/^\d{1,2}$/.test(v.exp_month || "") || month < 1 || month > 12) fields.exp_month = "Enter the month as a number from 1 to 12.";
  let year = Number(v.exp_year);
  if (/^\d{2}$/.test(v.exp_year || "")) year += 2000;
  else if (!/^\d{4}$/.test(v.exp_year || "")) fields.exp_year = "Enter the year, e.g. 2030.";
  if (!/^\d{3,4}$/.test(v.cvc || "")) fields.cvc = "Enter the 3 or 4 digits on the back of the card.";
  return [{ type: "card", card_number: number, exp_month: month, exp_year: year, cvc: v.cvc }, fields];
}

function summary(cart) {
  const { currency } = cart;
  return h("aside", { class: "card checkout-summary", "aria-labelledby": "summary-title" },
    h("h2", { id: "summary-title" }, "Order summary"),
    h("ul", { class: "summary-lines" }, cart.items.map((line) => h("li", {},
      h("span", {}, `${line.quantity} × ${line.name}`),
      h("span", { class: "price" }, money(line.line_total_cents, currency)),
      lineNotes(line, currency)))),
    h("p", { class: "total" }, "Total: ", h("span", { class: "price" }, money(cart.total_cents, currency))),
    h("p", {}, link("/cart", "Change your cart")));
}

export async function checkoutPage() {
  requireUser();
  const [cart, addresses, wallet] = await Promise.all([
    getCart(),
    api("/api/users/me/addresses").then((p) => p.items),
    api("/api/users/me/wallet").catch(() => null),
  ]);
  if (!cart.items.length) {
    return page("Checkout", empty("Your cart is empty.", link("/products", "Browse the products")));
  }
  const { currency } = cart;

  // Where to ship: a saved address, or a new one.
  const newAddress = h("fieldset", { class: "plain" },
    h("legend", { class: addresses.length ? null : "visually-hidden" }, "Address details"),
    addressFields(),
    h("div", { class: "field inline" },
      h("input", { type: "checkbox", name: "save_address", value: "1", id: "save-address" }),
      h("label", { for: "save-address" }, "Save this address to my account")));
  const setNew = (on) => { newAddress.disabled = !on; newAddress.hidden = !on; };
  const shipTo = h("fieldset", {}, h("legend", {}, "Shipping address"),
    addresses.length
      ? [addresses.map((a, i) => choice("address_id", a.id, addressLines(a).join(", "), { checked: i === 0 })),
        choice("address_id", "", "A new address")]
      : null,
    newAddress);
  setNew(!addresses.length);
  shipTo.addEventListener("change", (e) => { if (e.target.name === "address_id") setNew(e.target.value === ""); });

  // How to pay: a card or the wallet.
  const balance = wallet ? money(wallet.balance_cents, wallet.currency) : null;
  let walletHint = "The balance cannot be shown just now.";
  if (wallet) {
    walletHint = wallet.balance_cents < cart.total_cents
      ? `Balance: ${balance}, less than the total.` : `Balance: ${balance}.`;
  }
  const card = h("fieldset", { class: "plain" },
    h("legend", { class: "visually-hidden" }, "Card details"),
    field("Card number", input("card_number", { inputmode: "numeric", autocomplete: "cc-number", maxlength: 23 })),
    h("div", { class: "row" },
      field("Expiry month", input("exp_month", { inputmode: "numeric", autocomplete: "cc-exp-month", placeholder: "MM", maxlength: 2, class: "short" })),
      field("Expiry year", input("exp_year", { inputmode: "numeric", autocomplete: "cc-exp-year", placeholder: "YYYY", maxlength: 4, class: "short" })),
      field("CVC", input("cvc", { inputmode: "numeric", autocomplete: "cc-csc", maxlength: 4, class: "short" }))),
    h("div", { class: "test-cards" },
      h("p", {}, "This shop takes no real payments. Test cards (any future expiry date, any 3-digit CVC):"),
      h("ul", {}, TEST_CARDS.map(([n, what]) => h("li", {}, h("code", {}, n), ` ${what}`)))));
  const pay = h("fieldset", {}, h("legend", {}, "Payment"),
    choice("payment_type", "card", "Card", { checked: true }),
    choice("payment_type", "wallet", "Wallet", { hint: walletHint }),
    card);
  pay.addEventListener("change", (e) => {
    if (e.target.name === "payment_type") { card.disabled = e.target.value !== "card"; card.hidden = card.disabled; }
  });

  const form = h("form", { class: "checkout-form", novalidate: true }, shipTo, pay,
    h("p", {}, "Total to pay: ", h("span", { class: "price" }, money(cart.total_cents, currency))),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Place order")));

  // One key per submission of the same details; kept while retrying it.
  let attempt = null;
  onSubmit(form, async (v) => {
    const body = {};
    const fields = {};
    if (v.address_id) body.address_id = v.address_id;
    else body.shipping_address = addressBody(v);
    const [method, bad] = payment(v);
    Object.assign(fields, bad);
    if (Object.keys(fields).length) {
      showError(form, problem("Please check the highlighted details. Nothing was charged.", fields));
      return;
    }
    body.payment = method;
    const text = JSON.stringify(body);
    if (attempt?.text !== text) attempt = { key: idempotencyKey(), text };
    let order;
    for (let tries = 0; !order; tries += 1) {
      try {
        order = await api("/api/orders", { method: "POST", body, headers: { "Idempotency-Key": attempt.key } });
      } catch (error) {
        if (!("status" in error)) throw error;
        if (retryable(error) && tries < 2) {
          announce("Still placing your order…");
          await sleep(1500 * (tries + 1));
          continue;
        }
        if (!retryable(error)) attempt = null;
        const [message, extra, errorFields] = explain(error, cart, v.payment_type);
        showError(form, problem(message, errorFields, error.status));
        append(form.querySelector(".form-error"), extra);
        return;
      }
    }
    attempt = null;
    if (body.shipping_address && v.save_address) {
      // The order is placed; an address that could not be saved is no reason to stop.
      await api("/api/users/me/addresses", { method: "POST", body: body.shipping_address }).catch(() => {});
    }
    await refreshCartCount();
    announce("Your order is placed.");
    await navigate(`/orders/${order.id}?placed=1`);
  });

  return page("Checkout", h("div", { class: "checkout" }, form, summary(cart)));
}
