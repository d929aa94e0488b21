// Forms: reading them, and showing a problem+json answer next to the field
// it names (its `fields` map) or above the form (its `detail`).

import { h } from "./dom.js";

let ids = 0;

/** A labelled control; `control` is an input/select/textarea element. */
export function field(labelText, control, hint) {
  if (!control.id) control.id = `f${++ids}`;
  const parts = [h("label", { for: control.id }, labelText), control];
  if (hint) {
    const hintId = `${control.id}-hint`;
    control.setAttribute("aria-describedby", hintId);
    parts.push(h("p", { class: "hint", id: hintId }, hint));
  }
  return h("div", { class: "field" }, ...parts);
}

/** An <input> with `name` and attributes. */
export function input(name, props = {}) {
  return h("input", { name, type: "text", ...props });
}

/** A <select> of [value, text] pairs. */
export function select(name, options, selected, props = {}) {
  return h(
    "select",
    { name, ...props },
    options.map(([value, text]) =>
      h("option", { value, selected: String(value) === String(selected ?? "") }, text)),
  );
}

/** The form's values as an object of trimmed strings. */
export function values(form) {
  const out = {};
  for (const [key, value] of new FormData(form)) {
    if (typeof value === "string") out[key] = value.trim();
  }
  return out;
}

/** Removes the errors shown by `showError`. */
export function clearErrors(form) {
  form.querySelectorAll(".field-error").forEach((el) => el.remove());
  form.querySelectorAll("[aria-invalid]").forEach((el) => {
    el.removeAttribute("aria-invalid");
    const describedBy = (el.getAttribute("aria-describedby") || "")
      .split(" ").filter((id) => !id.endsWith("-error")).join(" ");
    if (describedBy) el.setAttribute("aria-describedby", describedBy);
    else el.removeAttribute("aria-describedby");
  });
  const summary = form.querySelector(".form-error");
  if (summary) summary.replaceChildren();
}

/**
 * Shows `error` (an ApiError) on `form`: each named field gets its message
 * beside it; the detail goes to the form's summary, which is announced.
 * Field names may be dotted (`shipping_address.city`): the last part, or the
 * whole name, is matched against the controls' `name`.
 */
export function showError(form, error) {
  clearErrors(form);
  let summary = form.querySelector(".form-error");
  if (!summary) {
    summary = h("div", { class: "form-error", role: "alert" });
    form.prepend(summary);
  }
  summary.replaceChildren(h("p", {}, error.detail));
  let first = null;
  for (const [name, message] of Object.entries(error.fields || {})) {
    const control = form.querySelector(`[name="${CSS.escape(name)}"]`)
      || form.querySelector(`[name="${CSS.escape(name.split(".").pop())}"]`);
    if (!control) {
      summary.append(h("p", {}, `${name}: ${message}`));
      continue;
    }
    if (!control.id) control.id = `f${++ids}`;
    const errorId = `${control.id}-error`;
    control.setAttribute("aria-invalid", "true");
    control.setAttribute(
      "aria-describedby",
      [control.getAttribute("aria-describedby"), errorId].filter(Boolean).join(" "),
    );
    control.closest(".field")?.append(h("p", { class: "field-error", id: errorId }, message));
    first ??= control;
  }
  if (first) {
    first.focus();
  } else {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
}

/**
 * Runs `action(values)` on submit with the button disabled meanwhile, and
 * shows any ApiError on the form. `action` may return a message to announce.
 */
export function onSubmit(form, action) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const buttons = form.querySelectorAll("button[type=submit], button:not([type])");
    buttons.forEach((b) => { b.disabled = true; });
    form.setAttribute("aria-busy", "true");
    clearErrors(form);
    try {
      await action(values(form), event.submitter);
    } catch (error) {
      if (error && "status" in error) showError(form, error);
      else throw error;
    } finally {
      form.removeAttribute("aria-busy");
      buttons.forEach((b) => { b.disabled = false; });
    }
  });
  return form;
}
