// Who is signed in. The gateway holds the session in an HttpOnly cookie;
// this module only knows the user the API reports for it.

import { api, cookie } from "./api.js";

const listeners = new Set();

/** `{id, email, name, role}` when signed in, else null. */
export const session = { user: null };

/** Calls `fn(user)` whenever the signed-in user changes. */
export function onSessionChange(fn) {
  listeners.add(fn);
}

function set(user) {
  session.user = user;
  listeners.forEach((fn) => fn(user));
}

/** Asks the API who the session cookie belongs to. */
export async function loadSession() {
  // The readable CSRF cookie lives as long as the session: without it there
  // is no session to ask about (and no 401 to log).
  if (!cookie("shop_csrf")) {
    set(null);
    return null;
  }
  try {
    set(await api("/api/users/me"));
  } catch (error) {
    if (error.status !== 401) throw error;
    set(null);
  }
  return session.user;
}

export const isAdmin = () => session.user?.role === "admin";

/** Signs in, then moves the guest cart (its cookie) into the account. */
export async function signIn(email, password) {
  await api("/web/session", { method: "POST", body: { email, password } });
  await loadSession();
  try {
    await api("/api/cart/merge", { method: "POST" });
  } catch (error) {
    // No guest cart to merge is not a failure of signing in.
    if (![400, 404, 422].includes(error.status)) throw error;
  }
}

export async function signOut() {
  await api("/web/session", { method: "DELETE" });
  set(null);
}
