// Talking to the shop's API on the same origin. The session is an HttpOnly
// cookie the gateway turns into the bearer token; unsafe requests carry the
// CSRF token from the readable `shop_csrf` cookie.

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** A problem+json answer (or no answer at all), in words a person reads. */
export class ApiError extends Error {
  constructor(status, body = {}) {
    super(body.detail || body.title || `The shop answered ${status}.`);
    this.status = status;
    this.code = body.code || "unknown";
    this.detail = this.message;
    this.fields = body.fields || {};
    this.lines = body.lines || [];
    this.requestId = body.request_id;
  }
}

/** The value of a cookie readable from JavaScript. */
export function cookie(name) {
  const prefix = `${name}=`;
  const found = document.cookie.split("; ").find((c) => c.startsWith(prefix));
  return found ? decodeURIComponent(found.slice(prefix.length)) : null;
}

/** `path?query` with empty values left out. */
export function withQuery(path, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Calls the API. `body`: an object (sent as JSON), a FormData or a Blob (sent
 * as is). Resolves to the parsed JSON (null for 204); rejects with ApiError.
 */
export async function api(path, { method = "GET", query, body, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin" };
  if (UNSAFE.has(method)) {
    const csrf = cookie("shop_csrf");
    if (csrf) init.headers["X-CSRF-Token"] = csrf;
  }
  if (body instanceof FormData || body instanceof Blob) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(withQuery(path, query), init);
  } catch {
    throw new ApiError(0, {
      code: "network",
      detail: "The shop cannot be reached. Check your connection and try again.",
    });
  }
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json().catch(() => ({})) : {};
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** A fresh key for a request that must happen once however often it is sent. */
export function idempotencyKey() {
  // crypto.randomUUID needs a secure context; plain http on a LAN is not one.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
