// `/admin/returns`: returns (RMAs) filtered by status and order in the URL,
// with "Receive" when the parcel is back, and where the refund stands.

import { api } from "../core/api.js";
import { empty, h, label, link, money, pill, when } from "../core/dom.js";
import { field, input, select, showError } from "../core/forms.js";
import { announce } from "../core/router.js";
import { LIMIT, actionForm, adminPage, facts, filterForm, offsetOf, orderOf, pager, ref, swap, table, yesNo } from "./layout.js";

const STATUSES = ["requested", "received", "refunded"];

async function returnCard(rma) {
  const order = await orderOf(rma.order_id);
  const currency = order?.currency ?? "USD";
  const lineOf = new Map((order?.lines ?? []).map((l) => [l.product_id, l]));
  const card = h("article", { class: "card return" },
    h("div", { class: "card-head" }, h("h2", {}, rma.number), pill(rma.status)),
    facts([
      ["Order", link(`/admin/orders/${rma.order_id}`, `Order ${ref(rma.order_id)}`)],
      ["Asked for", when(rma.created_at)],
      ["Reason", rma.reason],
      ["Refund", money(rma.refund_cents, currency)],
      ["Back on the shelf", yesNo(rma.restocked)],
      ["Money back", rma.refunded ? `Yes, ${when(rma.refunded_at)}` : "Not yet"],
      ["Received", when(rma.received_at)],
    ]),
    rma.last_error
      ? h("p", { class: "error" }, `Telling orders about this return failed: ${rma.last_error}. It is retried automatically.`)
      : null,
    table(`Lines of ${rma.number}`, ["Product", ["Quantity", "num"], ["Unit price", "num"]], rma.lines.map((l) => {
      const line = lineOf.get(l.product_id);
      return [line ? `${line.name} (SKU ${line.sku})` : h("code", {}, l.product_id),
        [l.quantity, "num"], [money(l.unit_price_cents, currency), "num"]];
    })));
  if (rma.status === "requested") {
    card.append(h("div", { class: "actions" }, actionForm("Receive", async () => {
      const next = await api(`/api/admin/returns/${rma.id}/receive`, { method: "POST" });
      swap(card, await returnCard(next));
      announce(next.status === "refunded"
        ? `Return ${next.number} received and refunded.`
        : `Return ${next.number} received; the refund is on its way.`);
    })));
  }
  return card;
}

export async function returns({ query }) {
  const status = query.get("status") ?? "";
  const orderId = query.get("order_id") ?? "";
  const filters = filterForm("/admin/returns", "Filter returns", [
    field("Status", select("status", [["", "All statuses"], ...STATUSES.map((s) => [s, label(s)])], status)),
    field("Order id", input("order_id", { value: orderId, autocomplete: "off", spellcheck: "false" })),
  ]);
  let body;
  try {
    const data = await api("/api/returns", { query: { status, order_id: orderId, limit: LIMIT, offset: offsetOf(query) } });
    body = data.items.length
      ? [h("div", { class: "cards" }, await Promise.all(data.items.map(returnCard))), pager(data, query, "/admin/returns")]
      : empty(status || orderId ? "No return matches these filters." : "No one has asked to return anything yet.");
  } catch (error) {
    if ([400, 422].includes(error.status)) {
      showError(filters, error);
    } else if ([404, 405].includes(error.status)) {
      body = empty("This shop cannot list returns yet.");
    } else {
      throw error;
    }
  }
  return adminPage("Returns", filters, body);
}
