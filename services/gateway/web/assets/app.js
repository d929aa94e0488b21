// The storefront and back office: one page that routes in the browser.
// Plain ES modules with no build step (nothing can be downloaded here), served
// by the gateway under a fingerprinted path, so they are cached for a year
// and replaced at once when they change.

import { refreshCartCount } from "./core/cart.js";
import { h, link, replace } from "./core/dom.js";
import { announce, navigate, start, route } from "./core/router.js";
import { isAdmin, loadSession, onSessionChange, signOut } from "./core/session.js";
import { register as registerStore } from "./store/routes.js";
import { register as registerAdmin } from "./admin/routes.js";

function accountLinks(user) {
  const slot = document.getElementById("account-links");
  if (!user) {
    replace(slot, link("/signin", "Sign in"), link("/signup", "Sign up"));
    return;
  }
  const out = h("button", {
    type: "button",
    class: "link-button",
    on: {
      click: async () => {
        await signOut();
        await refreshCartCount();
        announce("You are signed out.");
        navigate("/");
      },
    },
  }, "Sign out");
  replace(
    slot,
    link("/orders", "Orders"),
    link("/wallet", "Wallet"),
    link("/account", "Account"),
    isAdmin() ? link("/admin", "Back office") : null,
    out,
  );
}

document.querySelector("[data-search]").addEventListener("submit", (event) => {
  event.preventDefault();
  const q = new FormData(event.target).get("q").trim();
  navigate(q ? `/products?q=${encodeURIComponent(q)}` : "/products");
});

onSessionChange(accountLinks);
registerStore(route);
registerAdmin(route);

try {
  await loadSession();
} catch {
  accountLinks(null);
}
await Promise.all([start(), refreshCartCount()]);
