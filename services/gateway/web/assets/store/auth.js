// Signing in (`/signin?next=`) and creating an account (`/signup?next=`).

import { api, withQuery } from "../core/api.js";
import { refreshCartCount } from "../core/cart.js";
import { h, link, page } from "../core/dom.js";
import { field, input, onSubmit } from "../core/forms.js";
import { announce, navigate } from "../core/router.js";
import { session, signIn } from "../core/session.js";
import { safeNext } from "./ui.js";

function intro(next) {
  if (session.user) {
    return h("p", { class: "notice" }, `You are signed in as ${session.user.email}. `,
      link(next, "Continue"));
  }
  if (next === "/checkout") return h("p", {}, "Sign in to check out. Your cart comes with you.");
  return null;
}

async function finish(email, password, next) {
  await signIn(email, password);
  await refreshCartCount();
  announce(`Signed in as ${session.user?.name || email}.`);
  await navigate(next, { replace: true });
}

const rawPassword = (form) => form.elements.namedItem("password").value;

export function signInPage({ query }) {
  const next = safeNext(query.get("next"));
  const form = h("form", { class: "stack", novalidate: true },
    field("Email", input("email", { type: "email", autocomplete: "username", required: true })),
    field("Password", input("password", { type: "password", autocomplete: "current-password", required: true })),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Sign in")));
  onSubmit(form, (v) => finish(v.email, rawPassword(form), next));
  return page("Sign in", intro(next), form,
    h("p", {}, "New here? ", link(withQuery("/signup", { next: next === "/" ? "" : next }), "Create an account"), "."));
}

export function signUpPage({ query }) {
  const next = safeNext(query.get("next"));
  const form = h("form", { class: "stack", novalidate: true },
    field("Name", input("name", { autocomplete: "name", required: true, maxlength: 100 }),
      "Shown on your orders and invoices."),
    field("Email", input("email", { type: "email", autocomplete: "email", required: true })),
    field("Password", input("password", { type: "password", autocomplete: "new-password", required: true }),
      "At least 10 characters."),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Create account")));
  onSubmit(form, async (v) => {
    const password = rawPassword(form);
    await api("/api/auth/register", { method: "POST", body: { email: v.email, password, name: v.name } });
    await finish(v.email, password, next);
  });
  return page("Create an account", intro(next), form,
    h("p", {}, "Already have an account? ", link(withQuery("/signin", { next: next === "/" ? "" : next }), "Sign in"), "."));
}
