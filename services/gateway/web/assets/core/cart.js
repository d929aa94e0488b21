// The cart badge in the header (announced when it changes).

import { api } from "./api.js";

/** The cart as the API answers it (guest: by its cookie; signed in: the user's). */
export function getCart() {
  return api("/api/cart");
}

/** Shows `cart`'s item count in the header, fetching the cart when not given. */
export async function refreshCartCount(cart) {
  const badge = document.getElementById("cart-count");
  try {
    const current = cart ?? (await getCart());
    const count = current.items.reduce((sum, line) => sum + line.quantity, 0);
    badge.textContent = String(count);
    badge.setAttribute("aria-label", `${count} ${count === 1 ? "item" : "items"} in cart`);
  } catch {
    // The badge is a hint; the cart page shows any problem.
  }
}
