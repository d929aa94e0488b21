// The order history (`/orders?offset=`) and the printable invoice
// (`/orders/:id/invoice`).

import { api, withQuery } from "../core/api.js";
import { empty, h, link, money, page, pill, when } from "../core/dom.js";
import { addressBlock, pager, plural, requireUser, shortId } from "./ui.js";

const LIMIT = 10;

export async function ordersPage({ query }) {
  requireUser();
  const offset = Math.max(0, Number.parseInt(query.get("offset"), 10) || 0);
  const result = await api("/api/orders", { query: { limit: LIMIT, offset } });
  if (!result.items.length) {
    return page("Your orders", empty(offset ? "There are no more orders." : "You have no orders yet.",
      link("/products", "Browse the products")));
  }
  const rows = result.items.map((o) => h("tr", {},
    h("th", { scope: "row" }, link(`/orders/${o.id}`, `Order ${shortId(o.id)}`)),
    h("td", {}, when(o.created_at)),
    h("td", {}, pill(o.status)),
    h("td", { class: "num" }, plural(o.lines.reduce((n, l) => n + l.quantity, 0), "item")),
    h("td", { class: "num" }, money(o.total_cents, o.currency))));
  return page("Your orders",
    h("p", { class: "muted" }, `${plural(result.total, "order")}, newest first.`),
    h("div", { class: "table-wrap" }, h("table", {},
      h("caption", { class: "visually-hidden" }, "Your orders"),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, "Order"),
        h("th", { scope: "col" }, "Placed"),
        h("th", { scope: "col" }, "Status"),
        h("th", { scope: "col", class: "num" }, "Items"),
        h("th", { scope: "col", class: "num" }, "Total"))),
      h("tbody", {}, rows))),
    pager(result, (o) => withQuery("/orders", { offset: o || "" })));
}

/** Order lines as a table, with the total below. */
export function linesTable(lines, currency, totalCents, caption) {
  return h("div", { class: "table-wrap" }, h("table", { class: "order-lines" },
    h("caption", { class: "visually-hidden" }, caption),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, "Product"),
      h("th", { scope: "col", class: "num" }, "Quantity"),
      h("th", { scope: "col", class: "num" }, "Unit price"),
      h("th", { scope: "col", class: "num" }, "Total"))),
    h("tbody", {}, lines.map((l) => h("tr", {},
      h("td", {}, l.name, h("span", { class: "muted sku" }, ` ${l.sku}`)),
      h("td", { class: "num" }, l.quantity),
      h("td", { class: "num" }, money(l.unit_price_cents, currency)),
      h("td", { class: "num" }, money(l.line_total_cents, currency))))),
    h("tfoot", {}, h("tr", {},
      h("th", { scope: "row", colspan: "3" }, "Total"),
      h("td", { class: "num price" }, money(totalCents, currency))))));
}

/** The credit notes of an invoice. */
export function creditNotes(notes, currency) {
  if (!notes.length) return null;
  return h("ul", { class: "credit-notes" }, notes.map((n) => h("li", {},
    h("strong", {}, `Credit note ${n.number}`), `: ${money(n.amount_cents, currency)} back, ${when(n.created_at)}`,
    n.reason ? ` (${n.reason})` : "")));
}

export async function invoicePage({ params }) {
  requireUser();
  const id = encodeURIComponent(params.id);
  const invoice = await api(`/api/orders/${id}/invoice`);
  const credited = invoice.credit_notes.reduce((sum, n) => sum + n.amount_cents, 0);
  return page(`Invoice ${invoice.number}`,
    h("div", { class: "actions no-print" },
      h("button", { type: "button", on: { click: () => window.print() } }, "Print"),
      link(`/orders/${params.id}`, "Back to the order")),
    h("dl", { class: "meta" },
      h("dt", {}, "Invoice number"), h("dd", {}, invoice.number),
      h("dt", {}, "Issued"), h("dd", {}, when(invoice.issued_at)),
      h("dt", {}, "Order"), h("dd", {}, `Order ${shortId(invoice.order_id)}`),
      h("dt", {}, "Billed and shipped to"), h("dd", {}, addressBlock(invoice.shipping_address))),
    h("h2", {}, "Items"),
    linesTable(invoice.lines, invoice.currency, invoice.total_cents, `Items of invoice ${invoice.number}`),
    invoice.credit_notes.length
      ? [h("h2", {}, "Credit notes"), creditNotes(invoice.credit_notes, invoice.currency),
        h("p", { class: "total" }, "Total after credit notes: ",
          h("span", { class: "price" }, money(invoice.total_cents - credited, invoice.currency)))]
      : null);
}
