// The account (`/account`: name, email, saved addresses) and the wallet
// (`/wallet`: balance and movements).

import { api } from "../core/api.js";
import { empty, h, money, page, replace, when } from "../core/dom.js";
import { onSubmit } from "../core/forms.js";
import { announce, refresh } from "../core/router.js";
import { addressBlock, addressBody, addressFields, requireUser } from "./ui.js";

export async function walletPage() {
  requireUser();
  const wallet = await api("/api/users/me/wallet");
  const { currency } = wallet;
  const signed = (cents) => (cents > 0 ? `+${money(cents, currency)}` : money(cents, currency));
  return page("Wallet",
    h("p", { class: "balance" }, "Balance: ",
      h("span", { class: "price", "data-testid": "wallet-balance" }, money(wallet.balance_cents, currency))),
    h("p", { class: "muted" }, "Pay for orders from your wallet at checkout. Refunds of wallet payments come back here."),
    h("h2", {}, "Movements"),
    wallet.entries.length
      ? h("div", { class: "table-wrap" }, h("table", {},
        h("caption", { class: "visually-hidden" }, "Wallet movements, newest first"),
        h("thead", {}, h("tr", {},
          h("th", { scope: "col" }, "Date"),
          h("th", { scope: "col" }, "What"),
          h("th", { scope: "col", class: "num" }, "Amount"),
          h("th", { scope: "col", class: "num" }, "Balance after"))),
        h("tbody", {}, wallet.entries.map((e) => h("tr", {},
          h("td", {}, when(e.created_at)),
          h("td", {}, e.reason),
          h("td", { class: ["num", e.amount_cents < 0 ? "debit" : "credit"] }, signed(e.amount_cents)),
          h("td", { class: "num" }, money(e.balance_after_cents, currency)))))))
      : empty("No movements yet."));
}

function addressItem(a) {
  const failed = h("p", { class: "error", role: "alert" });
  const remove = h("button", {
    type: "button",
    class: "secondary",
    on: {
      click: async () => {
        remove.disabled = true;
        replace(failed);
        try {
          await api(`/api/users/me/addresses/${a.id}`, { method: "DELETE" });
        } catch (error) {
          remove.disabled = false;
          failed.textContent = error.detail;
          return;
        }
        announce("The address was deleted.");
        await refresh();
        document.getElementById("main").focus();
      },
    },
  }, "Delete", h("span", { class: "visually-hidden" }, ` address: ${a.name}, ${a.line1}`));
  return h("li", { class: "card address" }, addressBlock(a), h("div", { class: "actions" }, remove), failed);
}

export async function accountPage() {
  requireUser();
  const [me, addresses] = await Promise.all([
    api("/api/users/me"),
    api("/api/users/me/addresses").then((p) => p.items),
  ]);
  const form = h("form", { class: "stack card", novalidate: true },
    addressFields(),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Save address")));
  onSubmit(form, async (v) => {
    await api("/api/users/me/addresses", { method: "POST", body: addressBody(v) });
    announce("The address was saved.");
    await refresh();
    document.getElementById("main").focus();
  });
  return page("Your account",
    h("dl", { class: "meta" },
      h("dt", {}, "Name"), h("dd", {}, me.name),
      h("dt", {}, "Email"), h("dd", {}, me.email),
      h("dt", {}, "Member since"), h("dd", {}, when(me.created_at))),
    h("h2", {}, "Saved addresses"),
    addresses.length
      ? h("ul", { class: "addresses grid" }, addresses.map(addressItem))
      : empty("No saved addresses yet."),
    h("h2", {}, "Add an address"),
    form);
}
