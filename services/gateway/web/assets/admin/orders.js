// `/admin/orders` (filtered and paged in the URL) and `/admin/orders/:id`:
// the order, its payment and shipment, and what staff may change.

import { api } from "../core/api.js";
import { empty, h, label, link, money, pill, when } from "../core/dom.js";
import { field, input, select, showError } from "../core/forms.js";
import { announce } from "../core/router.js";
import { LIMIT, actionForm, address, adminPage, facts, filterForm, offsetOf, pager, problem, ref, reload, table } from "./layout.js";

const STATUSES = ["pending", "reserved", "paid", "packing", "shipped", "delivered", "rejected",
  "payment_failed", "failed", "cancelled", "partially_refunded", "refunded"];

/**
 * What staff may set by hand from each status (the orders service's
 * `OrderStatus::staff_change`): only `cancelled`, before packing. Packing,
 * shipping and delivery come from fulfilment, refunds from returns and
 * cancellations, the rest from checkout.
 */
const SHIPPED = ["shipped", "delivered", "partially_refunded", "refunded"];

const STAFF_CHANGES = { pending: ["cancelled"], reserved: ["cancelled"], paid: ["cancelled"] };

/** Local midnight of a `YYYY-MM-DD` as RFC 3339, or undefined. */
const dayStart = (day) => (/^\d{4}-\d{2}-\d{2}$/.test(day ?? "") ? new Date(`${day}T00:00:00`).toISOString() : undefined);
const nextDay = (day) => {
  const start = dayStart(day);
  return start && new Date(new Date(start).getTime() + 864e5).toISOString();
};

export async function orders({ query }) {
  const status = query.get("status") ?? "";
  const userId = query.get("user_id") ?? "";
  const from = query.get("from") ?? "";
  const to = query.get("to") ?? "";
  const filters = filterForm("/admin/orders", "Filter orders", [
    field("Status", select("status", [["", "All statuses"], ...STATUSES.map((s) => [s, label(s)])], status)),
    field("Customer id", input("user_id", { value: userId, autocomplete: "off", spellcheck: "false" })),
    field("Placed from", input("from", { type: "date", value: from })),
    field("Placed until", input("to", { type: "date", value: to })),
  ]);
  let body;
  try {
    const data = await api("/api/orders", {
      query: {
        status, user_id: userId, created_from: dayStart(from), created_to: nextDay(to),
        limit: LIMIT, offset: offsetOf(query),
      },
    });
    body = data.items.length
      ? [table("Orders", ["Order", "Placed", "Status", "Customer", "Items", ["Total", "num"]], data.items.map((o) => [
        link(`/admin/orders/${o.id}`, `Order ${ref(o.id)}`),
        when(o.created_at),
        pill(o.status),
        link(`/admin/orders?user_id=${o.user_id}`, ref(o.user_id)),
        o.lines.reduce((n, l) => n + l.quantity, 0),
        [money(o.total_cents, o.currency), "num"],
      ])), pager(data, query, "/admin/orders")]
      : empty(query.toString() ? "No order matches these filters." : "There are no orders yet.");
  } catch (error) {
    if (![400, 422].includes(error.status)) throw error;
    // Name the filter the API refused next to it (the form's own names).
    const fields = {};
    for (const [k, v] of Object.entries(error.fields)) {
      fields[{ created_from: "from", created_to: "to" }[k] ?? k] = v;
    }
    showError(filters, { ...error, detail: error.detail, fields });
    body = null;
  }
  return adminPage("Orders", filters, body);
}

function paymentBlock(payments) {
  if (payments instanceof Error) return problem(payments);
  if (!payments.length) return h("p", {}, "No payment was taken for this order.");
  return payments.map((p) => {
    const card = [p.card_brand, p.card_last4 && `ending ${p.card_last4}`].filter(Boolean).join(" ");
    return facts([
    ["Status", pill(p.status)],
    ["Amount", money(p.amount_cents, p.currency)],
    ["Refunded", p.refunded_cents ? money(p.refunded_cents, p.currency) : null],
    ["Method", p.method === "card" ? `Card${card ? ` (${card})` : ""}` : label(p.method)],
    ["Why it failed", p.decline_code ? label(p.decline_code) : null],
    ["Attempts", p.attempts],
    ["Payment id", h("code", {}, p.id)],
    ]);
  });
}

export async function order({ params }) {
  const o = await api(`/api/orders/${encodeURIComponent(params.id)}`);
  const [payments, shipment, buyer] = await Promise.all([
    api("/api/payments", { query: { order_id: o.id } }).then((p) => p.items, (e) => e),
    // Only a shipped order has a parcel (asking sooner is a 404).
    SHIPPED.includes(o.status) ? api(`/api/orders/${o.id}/shipment`).catch(() => null) : null,
    api(`/api/users/${o.user_id}`).catch(() => null),
  ]);
  const allowed = STAFF_CHANGES[o.status] ?? [];
  const done = async (next, what) => {
    await reload("h1");
    announce(`Order ${ref(next.id)} ${what}.`);
  };
  const staff = allowed.length
    ? [actionForm("Change status", async (v) => {
      const next = await api(`/api/orders/${o.id}/status`, { method: "POST", body: { status: v.status } });
      await done(next, `marked ${label(next.status).toLowerCase()}`);
    }, {
      fields: field("New status", select("status", allowed.map((s) => [s, label(s)]))),
      confirm: { ask: "Really change status?", keep: "Keep status" },
    }),
    h("p", { class: "muted" }, o.status === "paid"
      ? "Cancelling a paid order puts its stock back, refunds the payment and issues a credit note."
      : "Cancelling releases any stock held for it; nothing was charged."),
    actionForm("Cancel order", async () => {
      const next = await api(`/api/orders/${o.id}/cancel`, { method: "POST" });
      await done(next, "cancelled");
    }, { danger: true, confirm: { ask: "Really cancel order?", keep: "Keep order" } })]
    : h("p", {}, `Staff cannot change an order that is ${label(o.status).toLowerCase()}: `,
      "fulfilment reports packing, shipping and delivery; money goes back through returns and cancellations.");

  return adminPage(`Order ${ref(o.id)}`,
    facts([
      ["Status", pill(o.status)],
      ["Order id", h("code", {}, o.id)],
      ["Placed", when(o.created_at)],
      ["Updated", when(o.updated_at)],
      ["Delivered", when(o.delivered_at)],
      ["Customer", [buyer ? `${buyer.name} <${buyer.email}> ` : "", link(`/admin/orders?user_id=${o.user_id}`, `Orders of ${buyer?.name ?? ref(o.user_id)}`)]],
      ["Total", money(o.total_cents, o.currency)],
      ["Refunded", o.refunded_cents ? money(o.refunded_cents, o.currency) : null],
      ["Invoice", o.invoice_number],
      ["Checkout problem", o.failure_code ? label(o.failure_code) : null],
    ]),
    h("h2", {}, "Items"),
    table("Items", ["Product", "SKU", ["Quantity", "num"], ["Unit price", "num"], ["Line total", "num"]], o.lines.map((l) => [
      l.name, h("code", {}, l.sku), [l.quantity, "num"],
      [money(l.unit_price_cents, o.currency), "num"], [money(l.line_total_cents, o.currency), "num"],
    ])),
    h("div", { class: "grid" },
      h("section", { class: "card" }, h("h2", {}, "Ship to"), address(o.shipping_address)),
      h("section", { class: "card" }, h("h2", {}, "Payment"), paymentBlock(payments)),
      h("section", { class: "card" }, h("h2", {}, "Shipment"), shipment
        ? facts([["Status", pill(shipment.status)], ["Courier", shipment.courier],
          ["Tracking number", h("code", {}, shipment.tracking_number)], ["Booked", when(shipment.booked_at)],
          ["Delivered", when(shipment.delivered_at)]])
        : h("p", {}, "Not handed to a courier yet."))),
    h("section", { "aria-labelledby": "staff-h" }, h("h2", { id: "staff-h" }, "Staff actions"), staff),
    h("p", {}, link("/admin/orders", "All orders")));
}
