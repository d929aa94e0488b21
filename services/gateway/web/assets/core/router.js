// Pages in the browser's history: every page is a URL (its state in the
// path and query), so links, reloads and Back work. The gateway answers
// index.html for every page path.

import { ApiError } from "./api.js";
import { empty, h, link, page, replace } from "./dom.js";

const routes = [];
let rendering = 0;

/**
 * Registers a page. `pattern`: a path with `:name` segments
 * (`/orders/:id`). `view({params, query, url})` returns (or resolves to) the
 * page's node; it may throw an ApiError, which is shown in words.
 */
export function route(pattern, view) {
  const names = [];
  const source = pattern.replace(/:([a-z_]+)/g, (_, name) => {
    names.push(name);
    return "([^/]+)";
  });
  routes.push({ regex: new RegExp(`^${source}/?$`), names, view });
}

/** Shows `url` (same origin) and records it in the history. */
export function navigate(url, { replace: replacing = false } = {}) {
  const target = new URL(url, location.origin);
  if (replacing) history.replaceState(null, "", target);
  else history.pushState(null, "", target);
  return render({ focus: true });
}

/** Re-renders the current page (after a change it shows). */
export function refresh() {
  return render({ focus: false });
}

/** Announces a short message (screen readers hear it; everyone sees it). */
export function announce(text) {
  const status = document.getElementById("status");
  replace(status, text ? h("p", {}, text) : null);
  clearTimeout(announce.timer);
  if (text) announce.timer = setTimeout(() => replace(status), 6000);
}

function match(pathname) {
  for (const { regex, names, view } of routes) {
    const found = regex.exec(pathname);
    if (found) {
      const params = {};
      names.forEach((name, i) => { params[name] = decodeURIComponent(found[i + 1]); });
      return { view, params };
    }
  }
  return null;
}

function problemPage(error) {
  if (error.status === 401) {
    const next = encodeURIComponent(location.pathname + location.search);
    return page("Please sign in", h("p", {}, "This page needs you to be signed in."),
      link(`/signin?next=${next}`, "Sign in"));
  }
  if (error.status === 403) {
    return page("Not for you", h("p", {}, "This page is for shop staff only."), link("/", "Back to the shop"));
  }
  if (error.status === 404) {
    return page("Not found", h("p", {}, error.detail), link("/", "Back to the shop"));
  }
  return page("Something went wrong", h("p", { role: "alert" }, error.detail),
    h("button", { type: "button", on: { click: () => refresh() } }, "Try again"));
}

async function render({ focus }) {
  const main = document.getElementById("main");
  const ticket = ++rendering;
  const found = match(location.pathname);
  main.setAttribute("aria-busy", "true");
  const slow = setTimeout(() => {
    if (ticket === rendering) replace(main, h("p", { class: "loading" }, "Loading…"));
  }, 150);
  let node;
  try {
    node = found
      ? await found.view({ params: found.params, query: new URLSearchParams(location.search), url: location })
      : page("Not found", empty("There is no page here."), link("/", "Back to the shop"));
  } catch (error) {
    if (!(error instanceof ApiError)) console.warn(error);
    node = problemPage(error instanceof ApiError ? error : new ApiError(0, { detail: "This page failed to load." }));
  } finally {
    clearTimeout(slow);
  }
  if (ticket !== rendering) return;
  main.removeAttribute("aria-busy");
  replace(main, node);
  document.querySelectorAll(".nav a").forEach((a) => {
    const current = a.pathname === location.pathname;
    if (current) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  });
  if (focus) {
    window.scrollTo(0, 0);
    main.focus({ preventScroll: true });
  }
}

/** Starts: same-origin links marked `data-link` and form searches stay in the app. */
export function start() {
  document.addEventListener("click", (event) => {
    const a = event.target.closest("a[data-link]");
    if (!a || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (a.origin !== location.origin) return;
    event.preventDefault();
    navigate(a.href);
  });
  window.addEventListener("popstate", () => render({ focus: true }));
  return render({ focus: false });
}
