// The storefront's pages. Each page's module loads the first time it is
// shown, so the first visit fetches only what it needs.

const lazy = (load, name) => async (ctx) => {
  const node = await (await load())[name](ctx);
  node.classList.add("shop"); // store.css styles only these pages
  return node;
};

const home = () => import("./home.js");
const products = () => import("./products.js");
const product = () => import("./product.js");
const cart = () => import("./cart.js");
const auth = () => import("./auth.js");
const checkout = () => import("./checkout.js");
const orders = () => import("./orders.js");
const order = () => import("./order.js");
const account = () => import("./account.js");

export function register(route) {
  route("/", lazy(home, "homePage"));
  route("/products", lazy(products, "productsPage"));
  route("/products/:id", lazy(product, "productPage"));
  route("/cart", lazy(cart, "cartPage"));
  route("/signin", lazy(auth, "signInPage"));
  route("/signup", lazy(auth, "signUpPage"));
  route("/checkout", lazy(checkout, "checkoutPage"));
  route("/orders", lazy(orders, "ordersPage"));
  route("/orders/:id", lazy(order, "orderPage"));
  route("/orders/:id/invoice", lazy(orders, "invoicePage"));
  route("/wallet", lazy(account, "walletPage"));
  route("/account", lazy(account, "accountPage"));
}
