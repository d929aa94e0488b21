// `/admin/packing`: packing tasks (filtered by status in the URL), each with
// its lines and address, and "Mark packed" (which books the courier).

import { api } from "../core/api.js";
import { empty, h, label, link, pill, when } from "../core/dom.js";
import { field, select } from "../core/forms.js";
import { announce } from "../core/router.js";
import { LIMIT, actionForm, address, adminPage, facts, filterForm, offsetOf, pager, ref, swap } from "./layout.js";

const STATUSES = ["pending", "packed", "shipped", "cancelled"];

/** What a task holds and where it goes (shared with the shipments page). */
export function taskBody(task) {
  return [
    h("h3", { class: "sub" }, "Items"),
    h("ul", { class: "lines" }, task.lines.map((l) => h("li", {},
      h("strong", {}, `${l.quantity} ×`), ` ${l.name} `, h("span", { class: "muted" }, `(SKU ${l.sku})`)))),
    h("h3", { class: "sub" }, "Ship to"),
    address(task.shipping_address),
  ];
}

/** The courier's refusal, in words. */
function courierTrouble(task) {
  if (!task.courier_error) return null;
  const tries = task.booking_attempts === 1 ? "1 attempt" : `${task.booking_attempts} attempts`;
  return h("p", { class: "error" },
    `The courier booking failed after ${tries}: ${task.courier_error}. It is retried automatically; you can also retry now.`);
}

function taskCard(task) {
  const card = h("article", { class: "card task" },
    h("div", { class: "card-head" },
      h("h2", {}, link(`/admin/orders/${task.order_id}`, `Order ${ref(task.order_id)}`)),
      pill(task.status)),
    facts([
      ["Task created", when(task.created_at)],
      ["Courier bookings tried", task.booking_attempts || null],
      ["Courier", task.shipment?.courier],
      ["Tracking number", task.shipment ? h("code", {}, task.shipment.tracking_number) : null],
    ]),
    courierTrouble(task),
    taskBody(task));
  const pack = async () => {
    const next = await api(`/api/admin/packing-tasks/${task.id}/packed`, { method: "POST" });
    swap(card, taskCard(next));
    announce(next.status === "shipped"
      ? `Order ${ref(next.order_id)} packed and handed to ${next.shipment?.courier ?? "the courier"}.`
      : `Order ${ref(next.order_id)} packed, but the courier booking failed: it is retried.`);
  };
  if (task.status === "pending") card.append(h("div", { class: "actions" }, actionForm("Mark packed", pack)));
  if (task.status === "packed") card.append(h("div", { class: "actions" }, actionForm("Retry courier booking", pack)));
  return card;
}

export async function packing({ query }) {
  // Pending is what needs doing; `status=all` (or blank) shows every task.
  const status = query.has("status") ? query.get("status") : "pending";
  const wanted = status === "all" ? "" : status;
  const data = await api("/api/admin/packing-tasks", { query: { status: wanted, limit: LIMIT, offset: offsetOf(query) } });
  return adminPage("Packing",
    filterForm("/admin/packing", "Filter packing tasks", [
      field("Status", select("status", [["all", "All statuses"], ...STATUSES.map((s) => [s, label(s)])], wanted || "all")),
    ]),
    data.items.length
      ? [h("div", { class: "cards" }, data.items.map(taskCard)), pager(data, query, "/admin/packing")]
      : empty(wanted ? `No packing task is ${label(wanted).toLowerCase()}.` : "There are no packing tasks."));
}
