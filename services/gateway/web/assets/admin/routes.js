// The back office's pages. Every one first checks that a member of staff is
// signed in (the API refuses the others too): signed out is the sign-in
// prompt (401), a customer is "Not for you" (403). A page's module loads the
// first time staff open it, so shoppers never fetch the back office.

import { ApiError } from "../core/api.js";
import { isAdmin, session } from "../core/session.js";

/** Throws unless a member of staff is signed in. */
function guard() {
  if (!session.user) throw new ApiError(401, { code: "unauthorized", detail: "The back office needs you to be signed in." });
  if (!isAdmin()) throw new ApiError(403, { code: "forbidden", detail: "The back office is for shop staff only." });
}

const modules = {
  cache: () => import("./cache.js"),
  categories: () => import("./categories.js"),
  orders: () => import("./orders.js"),
  packing: () => import("./packing.js"),
  edit: () => import("./product-edit.js"),
  products: () => import("./products.js"),
  returns: () => import("./returns.js"),
  shipments: () => import("./shipments.js"),
};

const staffOnly = (module, name) => async (context) => {
  guard();
  return (await modules[module]())[name](context);
};

const nothing = async () => {
  guard();
  throw new ApiError(404, { code: "not_found", detail: "There is no such back-office page." });
};

export function register(route) {
  route("/admin", staffOnly("cache", "overview"));
  route("/admin/cache", staffOnly("cache", "cachePage"));
  route("/admin/products", staffOnly("products", "products"));
  route("/admin/products/new", staffOnly("edit", "newProduct"));
  route("/admin/products/:id", staffOnly("edit", "editProduct"));
  route("/admin/categories", staffOnly("categories", "categories"));
  route("/admin/orders", staffOnly("orders", "orders"));
  route("/admin/orders/:id", staffOnly("orders", "order"));
  route("/admin/packing", staffOnly("packing", "packing"));
  route("/admin/shipments", staffOnly("shipments", "shipments"));
  route("/admin/returns", staffOnly("returns", "returns"));
  // Anything else under /admin is refused the same way before it is "not found".
  for (const rest of ["/:a", "/:a/:b", "/:a/:b/:c"]) route(`/admin${rest}`, nothing);
}
