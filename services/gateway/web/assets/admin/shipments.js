// `/admin/shipments`: the parcels of shipped packing tasks (each task embeds
// its shipment), with the courier's scans staff report.

import { api } from "../core/api.js";
import { empty, h, link, pill, when } from "../core/dom.js";
import { announce } from "../core/router.js";
import { LIMIT, actionForm, adminPage, facts, offsetOf, pager, ref, swap } from "./layout.js";
import { taskBody } from "./packing.js";

function shipmentCard(task) {
  const s = task.shipment;
  const card = h("article", { class: "card shipment" },
    h("div", { class: "card-head" },
      h("h2", {}, link(`/admin/orders/${task.order_id}`, `Order ${ref(task.order_id)}`)),
      pill(s.status)),
    facts([
      ["Courier", s.courier],
      ["Tracking number", h("code", {}, s.tracking_number)],
      ["Booked", when(s.booked_at)],
      ["In transit since", when(s.in_transit_at)],
      ["Delivered", when(s.delivered_at)],
    ]),
    taskBody(task));
  const scan = (path, what) => async () => {
    const next = await api(`/api/admin/shipments/${s.id}/${path}`, { method: "POST" });
    swap(card, shipmentCard({ ...task, shipment: next }));
    announce(`Order ${ref(task.order_id)} marked ${what}.`);
  };
  const buttons = [
    s.status === "booked" ? actionForm("Mark in transit", scan("in-transit", "in transit"), { secondary: true }) : null,
    s.status !== "delivered" ? actionForm("Mark delivered", scan("delivered", "delivered")) : null,
  ].filter(Boolean);
  if (buttons.length) card.append(h("div", { class: "actions" }, buttons));
  return card;
}

export async function shipments({ query }) {
  const data = await api("/api/admin/packing-tasks", { query: { status: "shipped", limit: LIMIT, offset: offsetOf(query) } });
  const withParcel = data.items.filter((t) => t.shipment);
  return adminPage("Shipments",
    h("p", { class: "muted" }, "Parcels handed to the courier, oldest first. Report the courier's pickup and delivery here."),
    withParcel.length
      ? [h("div", { class: "cards" }, withParcel.map(shipmentCard)), pager(data, query, "/admin/shipments")]
      : empty("No parcel has been handed to a courier yet."));
}
