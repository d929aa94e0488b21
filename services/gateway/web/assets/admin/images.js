// A product's pictures on its edit page: in order, with alt text, moving,
// deleting and uploading. The list is kept here from the API's answers.

import { ApiError, api } from "../core/api.js";
import { empty, h, replace } from "../core/dom.js";
import { field, input, onSubmit } from "../core/forms.js";
import { announce } from "../core/router.js";
import { actionForm, focus } from "./layout.js";

/** An upload's refusal in words, on the file field where it is about the file. */
function uploadError(error) {
  const words = {
    413: "This file is too large to upload: choose a smaller picture.",
    415: "This file is not a JPEG, PNG or WebP picture.",
    503: "Pictures cannot be stored just now (nothing was stored): try again in a moment.",
  }[error.status] ?? {
    image_invalid: "This picture cannot be read: the file may be cut short or damaged.",
    image_too_large: "This picture has too many pixels: make it smaller and try again.",
  }[error.code];
  if (!words) return error;
  return new ApiError(error.status, { code: error.code, detail: words, fields: { ...error.fields, file: words } });
}

export function imagesSection(product) {
  const box = h("section", { class: "images", "aria-labelledby": "images-h" });
  const base = `/api/products/${product.id}/images`;
  let images = [...(product.images ?? [])].sort((a, b) => a.position - b.position);

  const render = (selector) => {
    images = images.map((img, i) => ({ ...img, position: i }));
    replace(box,
      h("h2", { id: "images-h" }, "Images"),
      images.length
        ? h("ol", { class: "image-list" }, images.map(item))
        : empty("No images yet."),
      uploadForm());
    if (selector) focus(box.querySelector(selector));
  };

  const move = async (img, to) => {
    const moved = await api(`${base}/${img.id}`, { method: "PATCH", body: { position: to } });
    images = images.filter((i) => i.id !== img.id);
    images.splice(to, 0, moved);
    render(`#img-${img.id}`);
    announce(`Image moved to place ${to + 1} of ${images.length}.`);
  };

  function item(img, i) {
    const alt = onSubmit(h("form", { class: "action alt-form" },
      field("Alt text", input("alt", { value: img.alt, maxlength: 500, autocomplete: "off" })),
      h("button", { type: "submit", class: "secondary" }, "Save alt text")), async (v) => {
      const saved = await api(`${base}/${img.id}`, { method: "PATCH", body: { alt: v.alt } });
      images = images.map((x) => (x.id === img.id ? saved : x));
      render(`#img-${img.id}`);
      announce(saved.alt ? "Alt text saved." : "Alt text removed.");
    });
    return h("li", { class: "image-item" },
      img.thumb_url || img.url
        ? h("img", { src: img.thumb_url || img.url, alt: img.alt, width: img.width, height: img.height, loading: "lazy" })
        : h("p", { class: "muted thumb" }, "No preview just now."),
      h("div", {},
        h("h3", { id: `img-${img.id}` }, `Image ${i + 1} of ${images.length}`),
        h("p", { class: "muted" }, `${img.width} × ${img.height} pixels`, img.alt ? null : " · no alt text"),
        alt,
        h("div", { class: "actions" },
          actionForm("Move up", () => move(img, i - 1), { disabled: i === 0, secondary: true }),
          actionForm("Move down", () => move(img, i + 1), { disabled: i === images.length - 1, secondary: true }),
          actionForm("Delete image", async () => {
            await api(`${base}/${img.id}`, { method: "DELETE" });
            images = images.filter((x) => x.id !== img.id);
            render("#images-h");
            announce("Image deleted.");
          }, { danger: true, confirm: { ask: "Really delete?", keep: "Keep image" } }))));
  }

  function uploadForm() {
    const file = h("input", { type: "file", name: "file", accept: "image/jpeg,image/png,image/webp" });
    const progress = h("p", { class: "muted", role: "status" });
    const form = h("form", { class: "stack upload", novalidate: true, "aria-labelledby": "upload-h" },
      h("h3", { id: "upload-h" }, "Add an image"),
      field("Image file", file, "A JPEG, PNG or WebP picture; it is shown after the others."),
      field("Alt text", input("alt", { maxlength: 500, autocomplete: "off" }), "What the picture shows, for people who cannot see it."),
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Upload image"), progress));
    return onSubmit(form, async () => {
      if (!file.files.length) {
        throw new ApiError(422, { detail: "Choose a picture to upload.", fields: { file: "Choose a JPEG, PNG or WebP file." } });
      }
      progress.textContent = "Uploading…";
      let img;
      try {
        img = await api(base, { method: "POST", body: new FormData(form) });
      } catch (error) {
        throw uploadError(error);
      } finally {
        progress.textContent = "";
      }
      images.push(img);
      render(`#img-${img.id}`);
      announce("Image uploaded.");
    });
  }

  render();
  return box;
}
