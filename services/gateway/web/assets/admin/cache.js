// The overview (`/admin`) and the catalogue cache's figures (`/admin/cache`).

import { api } from "../core/api.js";
import { h, link } from "../core/dom.js";
import { announce } from "../core/router.js";
import { actionForm, adminPage, facts, problem, reload, yesNo } from "./layout.js";

const count = new Intl.NumberFormat();
const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

function bytes(n) {
  const units = ["bytes", "KB", "MB", "GB"];
  let value = Number(n);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${unit ? value.toFixed(1) : value} ${units[unit]}`;
}

async function stats() {
  try {
    const s = await api("/api/cache/stats");
    return h("div", { class: "cache-stats" },
      h("p", {}, s.redis_up ? "Redis is up." : "Redis is down: reads go to the database."),
      facts([
        ["Hits", count.format(s.hits)],
        ["Misses", count.format(s.misses)],
        ["Hit ratio", percent.format(s.hit_ratio)],
        ["Keys in Redis", count.format(s.keys)],
        ["Redis memory", bytes(s.redis_used_memory_bytes)],
        ["Hits from this instance's memory", count.format(s.memory_hits)],
        ["Entries in memory", count.format(s.memory_entries)],
        ["Memory used", bytes(s.memory_bytes)],
        ["Hears invalidations", yesNo(s.memory_subscribed)],
      ]),
      h("p", { class: "muted" }, "Hits and misses count since this catalogue instance started."));
  } catch (error) {
    return problem(error);
  }
}

const AREAS = [
  ["/admin/products", "Products", "Prices, stock, pictures, on and off sale."],
  ["/admin/categories", "Categories", "The shelves products sit on."],
  ["/admin/orders", "Orders", "Every order, its payment, cancelling."],
  ["/admin/packing", "Packing", "Tasks to pack and hand to the courier."],
  ["/admin/shipments", "Shipments", "Parcels on their way."],
  ["/admin/returns", "Returns", "Parcels coming back, and their refunds."],
];

/** How many items a list holds (`total`), or null when it cannot say. */
const totalOf = (path, query) => api(path, { query: { ...query, limit: 1 } }).then((p) => p.total, () => null);

export async function overview() {
  const [pending, cache] = await Promise.all([totalOf("/api/admin/packing-tasks", { status: "pending" }), stats()]);
  const waiting = { "/admin/packing": pending };
  const words = { "/admin/packing": "to pack" };
  return adminPage("Back office",
    h("ul", { class: "grid areas" }, AREAS.map(([href, name, text]) => h("li", { class: "card" },
      h("h2", {}, link(href, name)),
      h("p", { class: "muted" }, text),
      typeof waiting[href] === "number" ? h("p", {}, `${waiting[href]} ${words[href]}`) : null))),
    h("section", { "aria-labelledby": "cache-h" }, h("h2", { id: "cache-h" }, "Cache"), cache,
      link("/admin/cache", "Cache details")));
}

export async function cachePage() {
  return adminPage("Cache", await stats(), h("div", { class: "actions" },
    actionForm("Refresh figures", async () => {
      await reload("button");
      announce("Cache figures refreshed.");
    }, { secondary: true })));
}
