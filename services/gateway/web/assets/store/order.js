// One order (`/orders/:id`, `?placed=1` after checkout): its timeline,
// tracking, lines, invoice and credit notes, cancelling, and returns.

import { api } from "../core/api.js";
import { append, h, label, link, money, page, pill, when } from "../core/dom.js";
import { field, input, onSubmit, showError } from "../core/forms.js";
import { announce, refresh } from "../core/router.js";
import { creditNotes, linesTable } from "./orders.js";
import { addressBlock, problem, requireUser, shortId } from "./ui.js";

const CANCELLABLE = new Set(["pending", "reserved", "paid"]);
const RETURNABLE = new Set(["delivered", "partially_refunded"]);
// Statuses an order reaches only after it was handed to the courier.
const SHIPPED = new Set(["shipped", ...RETURNABLE, "refunded"]);
const RANK = { pending: 0, reserved: 0, paid: 1, packing: 2, shipped: 3, delivered: 4 };
const EXITS = {
  cancelled: "Cancelled",
  rejected: "Not placed: out of stock, nothing was charged",
  payment_failed: "Payment failed: nothing was charged",
  failed: "Failed: the payment was refunded",
  partially_refunded: "Partly refunded",
  refunded: "Refunded",
};

/** `fn()`, or `fallback` when the API has no such thing (yet). */
async function optional(fn, fallback = null) {
  try {
    return await fn();
  } catch (error) {
    if ([404, 405, 501].includes(error.status)) return fallback;
    throw error;
  }
}

function timeline(order, invoice, shipment) {
  const steps = [
    ["Placed", order.created_at],
    ["Paid", invoice?.issued_at],
    ["Packing", null],
    ["Shipped", shipment?.in_transit_at || shipment?.booked_at],
    ["Delivered", order.delivered_at || shipment?.delivered_at],
  ];
  const exit = EXITS[order.status];
  let reached = RANK[order.status] ?? 0;
  if (exit) {
    reached = 0;
    steps.forEach(([, at], i) => { if (at) reached = i; });
  }
  const items = steps.slice(0, exit ? reached + 1 : steps.length).map(([name, at], i) => {
    let state = "todo";
    if (i < reached || (i === reached && exit)) state = "done";
    else if (i === reached) state = "current";
    return { name, at, state };
  });
  if (exit) {
    const lastNote = invoice?.credit_notes?.at(-1)?.created_at;
    items.push({ name: exit, at: lastNote && order.status.includes("refunded") ? lastNote : order.updated_at, state: order.status.includes("refunded") ? "current" : "current exit" });
  }
  const words = { todo: "not yet", done: "done", current: "now", "current exit": "now" };
  return h("ol", { class: "timeline", "aria-label": "Progress" }, items.map(({ name, at, state }) =>
    h("li", { class: ["step", ...state.split(" ").map((s) => `step-${s}`)], "aria-current": state.startsWith("current") ? "step" : null },
      h("span", { class: "step-name" }, name),
      h("span", { class: "visually-hidden" }, ` (${words[state]})`),
      h("span", { class: "step-when" }, at ? when(at) : state === "todo" ? "Not yet" : ""))));
}

function cancelForm(order) {
  const form = h("form", { class: "cancel", novalidate: true },
    h("p", {}, order.status === "paid"
      ? "You can cancel until we start packing; the full amount goes back to you."
      : "You can cancel until we start packing."),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "danger" }, "Cancel order")));
  onSubmit(form, async () => {
    try {
      await api(`/api/orders/${order.id}/cancel`, { method: "POST" });
    } catch (error) {
      if (error.code === "not_cancellable") {
        showError(form, problem("This order can no longer be cancelled: packing has started. You can return it once it is delivered.", {}, 409));
        return;
      }
      throw error;
    }
    announce("Your order is cancelled.");
    await refresh();
    document.getElementById("main").focus();
  });
  return form;
}

function returnsList(returns, order, sub) {
  const nameOf = (id) => order.lines.find((l) => l.product_id === id)?.name || "An item";
  return h("ul", { class: "returns" }, returns.map((r) => h("li", { class: "card" },
    h(sub, {}, `Return ${r.number} `, pill(r.status)),
    h("p", { class: "muted" }, `Asked for ${when(r.created_at)}`,
      r.received_at ? `; received ${when(r.received_at)}` : "",
      r.refunded_at ? `; refunded ${when(r.refunded_at)}` : ""),
    h("ul", {}, r.lines.map((l) => h("li", {}, `${l.quantity} × ${nameOf(l.product_id)}`))),
    h("p", {}, `Refund: ${money(r.refund_cents, order.currency)}`),
    r.reason ? h("p", { class: "muted" }, `Reason: ${r.reason}`) : null)));
}

function returnForm(order, returns, sub) {
  const asked = new Map();
  for (const r of returns) for (const l of r.lines) asked.set(l.product_id, (asked.get(l.product_id) || 0) + l.quantity);
  const lines = order.lines
    .map((l) => ({ ...l, left: l.quantity - (asked.get(l.product_id) || 0) }))
    .filter((l) => l.left > 0);
  if (!lines.length) return h("p", { class: "muted" }, "Every item of this order has been returned already.");
  const form = h("form", { class: "return-form card", id: "return-form", hidden: true, novalidate: true },
    h(sub, {}, "Return items"),
    h("fieldset", { class: "field plain", name: "lines", tabindex: "-1" },
      h("legend", {}, "What are you sending back?"),
      lines.map((l) => field(`Quantity of ${l.name} to return`,
        input(`qty-${l.product_id}`, { type: "number", min: 0, max: l.left, value: String(l.left), inputmode: "numeric", class: "short" }),
        `Up to ${l.left}.`))),
    field("Reason", h("textarea", { name: "reason", rows: 3, maxlength: 500, required: true })),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Send return request")));
  onSubmit(form, async (v) => {
    const fields = {};
    const chosen = [];
    for (const l of lines) {
      const n = Number(v[`qty-${l.product_id}`] || 0);
      if (!Number.isInteger(n) || n < 0 || n > l.left) fields[`qty-${l.product_id}`] = `Enter a whole number from 0 to ${l.left}.`;
      else if (n > 0) chosen.push({ product_id: l.product_id, quantity: n });
    }
    if (!chosen.length && !Object.keys(fields).length) fields.lines = "Choose at least one item to return.";
    if (!v.reason) fields.reason = "Tell us why the goods come back.";
    if (Object.keys(fields).length) {
      showError(form, problem("Please check the return request.", fields));
      return;
    }
    let created;
    try {
      created = await api("/api/returns", { method: "POST", body: { order_id: order.id, lines: chosen, reason: v.reason } });
    } catch (error) {
      const words = {
        not_delivered: "Only a delivered order can be returned.",
        return_window_closed: "The time to return this order has passed.",
      }[error.code];
      if (words) {
        showError(form, problem(words, {}, error.status));
        return;
      }
      throw error;
    }
    announce(`Return ${created.number} requested. Send the goods back and we refund them when they arrive.`);
    await refresh();
    document.getElementById("main").focus();
  });
  const toggle = h("button", {
    type: "button",
    class: "secondary",
    "aria-expanded": "false",
    "aria-controls": "return-form",
    on: {
      click: () => {
        form.hidden = !form.hidden;
        toggle.setAttribute("aria-expanded", String(!form.hidden));
        if (!form.hidden) form.querySelector("input, textarea")?.focus();
      },
    },
  }, "Ask for a return");
  return [h("div", { class: "actions" }, toggle), form];
}

export async function orderPage({ params, query }) {
  requireUser();
  const id = encodeURIComponent(params.id);
  const order = await api(`/api/orders/${id}`);
  const [invoice, shipment, returns] = await Promise.all([
    order.invoice_id ? optional(() => api(`/api/orders/${id}/invoice`)) : null,
    SHIPPED.has(order.status) ? optional(() => api(`/api/orders/${id}/shipment`)) : null,
    SHIPPED.has(order.status) ? optional(() => api("/api/returns", { query: { order_id: order.id, limit: 100 } }), []) : [],
  ]).catch(() => [null, null, []]);
  const returnList = Array.isArray(returns) ? returns : returns?.items || [];
  const number = shortId(order.id);
  const placed = query.get("placed") === "1";
  const { currency } = order;

  const view = page(placed ? "Thank you for your order" : `Order ${number}`);
  if (placed) {
    append(view, [h("div", { class: "card confirmation" },
      h("p", {}, "Your order is placed and paid. Its number is ", h("strong", {}, number), "."),
      order.invoice_number ? h("p", {}, "Your invoice: ", link(`/orders/${order.id}/invoice`, `Invoice ${order.invoice_number}`)) : null,
      h("p", {}, link("/orders", "See all your orders"), " · ", link("/products", "Continue shopping"))),
    h("h2", {}, `Order ${number}`)]);
  }
  const H = placed ? "h3" : "h2";
  const sub = placed ? "h4" : "h3";
  append(view, [
    h("p", { class: "order-status" }, "Status: ", pill(order.status), ` · placed ${when(order.created_at)}`),
    timeline(order, invoice, shipment),
    shipment ? h("p", { class: "tracking" }, h("strong", {}, `Tracking number: ${shipment.tracking_number}`),
      ` (${shipment.courier}, ${label(shipment.status).toLowerCase()})`) : null,
    CANCELLABLE.has(order.status) ? cancelForm(order) : null,
    h(H, {}, "Items"),
    linesTable(order.lines, currency, order.total_cents, `Items of order ${number}`),
    order.refunded_cents > 0 ? h("p", {}, `Refunded: ${money(order.refunded_cents, currency)}`) : null,
    h("div", { class: "order-meta" },
      h("section", {}, h(H, {}, "Delivery address"), addressBlock(order.shipping_address)),
      h("section", {}, h(H, {}, "Payment"),
        h("p", {}, order.invoice_id
          ? (order.payment_method === "wallet" ? "Paid from your wallet." : "Paid by card.")
          : `Payment method: ${order.payment_method}.`),
        order.failure_code ? h("p", { class: "notice" }, `Why it did not go through: ${label(order.failure_code)}.`) : null)),
    h(H, {}, "Invoice"),
    invoice
      ? [h("p", {}, link(`/orders/${order.id}/invoice`, `Invoice ${invoice.number}`), ` · issued ${when(invoice.issued_at)}`),
        creditNotes(invoice.credit_notes, currency)]
      : h("p", { class: "muted" }, "No invoice: this order was not paid."),
  ]);
  if (returnList.length || RETURNABLE.has(order.status)) {
    append(view, [h(H, {}, "Returns"),
      returnList.length ? returnsList(returnList, order, sub) : h("p", { class: "muted" }, "No returns yet."),
      RETURNABLE.has(order.status) ? returnForm(order, returnList, sub) : null]);
  }
  return view;
}
