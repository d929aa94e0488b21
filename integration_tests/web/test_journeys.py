"""The shop in a real browser: a shopper's and a member of staff's journeys
through the storefront and back office, against the compose stack."""

import re
import time
import uuid

from playwright.sync_api import expect

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, DESKTOP, PHONE, png, screenshot

OK_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def sign_in(page, email, password, next_path=None):
    page.goto(f"/signin?next={next_path}" if next_path else "/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_up(page, email, name="Web Shopper", password="web-shopper-password"):
    page.goto("/signup")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def new_customer(page):
    email = f"{unique('web')}@shop.test"
    sign_up(page, email)
    return email


def create_product(api, name, stock=50, price_cents=1999):
    categories = api.get("/api/categories").json()
    category = categories[0]["slug"] if isinstance(categories, list) else categories["items"][0]["slug"]
    sku = unique("WEB").upper()
    created = api.post(
        "/api/products",
        data={
            "sku": sku,
            "name": name,
            "description": "Made for the browser journeys.",
            "price_cents": price_cents,
            "category": category,
            "stock_on_hand": stock,
        },
    )
    assert created.status == 201, created.text()
    return created.json()


def add_to_cart(page, product_id, quantity=1):
    page.goto(f"/products/{product_id}")
    page.get_by_label("Quantity").fill(str(quantity))
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status")).to_contain_text("Added to cart")


def fill_new_address(page):
    page.get_by_label("Full name").fill("Web Shopper")
    page.get_by_label("Address line 1").fill("1 Browser Street")
    page.get_by_label("City").fill("Testville")
    page.get_by_label("Postal code").fill("12345")
    page.get_by_label("Country").fill("US")


def pay_by_card(page, number):
    page.get_by_label("Card", exact=True).check()
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry month").fill("12")
    page.get_by_label("Expiry year").fill(str(time.gmtime().tm_year + 2))
    page.get_by_label("CVC").fill("123")


def order_id_from_url(page):
    match = re.search(r"/orders/([0-9a-f-]{36})", page.url)
    assert match, page.url
    return match.group(1)


def test_a_guest_browses_filters_signs_up_and_checks_out_by_card(pages, api):
    product = create_product(api, unique("Journey lamp"), price_cents=2500)
    page = pages.open(DESKTOP)

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, "home")

    # Search from the header; the results page keeps its state in the URL.
    page.get_by_role("search").get_by_role("searchbox").fill(product["name"])
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/products\?q="))
    expect(page.get_by_role("link", name=product["name"]).first).to_be_visible()

    # Filters: a price range that excludes the product hides it; Back restores it.
    page.get_by_label("Minimum price").fill("30")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"min_price"))
    expect(page.get_by_text("No products match")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("link", name=product["name"]).first).to_be_visible()
    page.goto("/products")
    screenshot(page, "products")

    page.get_by_role("link", name=product["name"]).first.click()
    expect(page.get_by_role("heading", level=1, name=product["name"])).to_be_visible()
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status")).to_contain_text("Added to cart")
    expect(page.locator("#cart-count")).to_have_text("2")
    screenshot(page, "product")

    page.goto("/cart")
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    expect(page.get_by_text(product["name"])).to_be_visible()
    screenshot(page, "cart")

    # Signing up merges the guest cart into the account.
    new_customer(page)
    page.goto("/cart")
    expect(page.get_by_text(product["name"])).to_be_visible()
    expect(page.locator("#cart-count")).to_have_text("2")

    page.get_by_role("link", name="Checkout").click()
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    fill_new_address(page)
    pay_by_card(page, OK_CARD)
    screenshot(page, "checkout")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", name="Thank you for your order")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Invoice INV-\d{4}-\d{6}")).first).to_be_visible()
    order_id = order_id_from_url(page)
    screenshot(page, "confirmation")

    page.goto("/orders")
    expect(page.get_by_role("heading", name="Your orders")).to_be_visible()
    page.goto(f"/orders/{order_id}")
    expect(page.get_by_text("Paid").first).to_be_visible()
    page.get_by_role("link", name=re.compile(r"invoice", re.I)).first.click()
    expect(page.get_by_role("heading", name=re.compile(r"^Invoice INV-"))).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    screenshot(page, "invoice")

    order = api.get(f"/api/orders/{order_id}").json()
    assert order["status"] == "paid" and order["total_cents"] == 5000


def test_a_declined_card_and_a_line_out_of_stock_are_shown_and_nothing_is_charged(pages, api):
    scarce = create_product(api, unique("Scarce vase"), stock=1)
    plenty = create_product(api, unique("Plain cup"), stock=20)
    page = pages.open(PHONE)
    email = new_customer(page)

    add_to_cart(page, plenty["id"], 1)
    page.goto("/checkout")
    fill_new_address(page)
    pay_by_card(page, DECLINED_CARD)
    page.get_by_role("button", name="Place order").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(re.compile(r"declined", re.I))
    expect(alert).to_contain_text(re.compile(r"not charged|nothing was charged", re.I))
    screenshot(page, "checkout-declined")

    add_to_cart(page, scarce["id"], 2)
    page.goto("/checkout")
    fill_new_address(page)
    pay_by_card(page, OK_CARD)
    page.get_by_role("button", name="Place order").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(re.compile(r"stock", re.I))
    expect(alert).to_contain_text(scarce["name"])

    # Nothing was charged: no order of this customer got paid, and stock is whole.
    orders = api.get("/api/orders", params={"limit": 100}).json()["items"]
    mine = [o for o in orders if o["shipping_address"]["name"] == "Web Shopper"]
    for order in mine:
        if order["lines"][0]["product_id"] in (scarce["id"], plenty["id"]):
            assert order["status"] in ("payment_failed", "rejected"), order
            payments = api.get("/api/payments", params={"order_id": order["id"]}).json()
            items = payments["items"] if isinstance(payments, dict) else payments
            assert all(p["status"] != "captured" for p in items), items
    assert api.get(f"/api/products/{scarce['id']}").json()["stock_on_hand"] == 1
    assert api.get(f"/api/products/{plenty['id']}").json()["stock_on_hand"] == 20
    assert email


def test_a_wallet_checkout_debits_the_wallet(pages, api):
    product = create_product(api, unique("Wallet book"), price_cents=1200)
    page = pages.open(DESKTOP)
    sign_in(page, "bob@shop.local", "demo-password")
    page.goto("/wallet")
    expect(page.get_by_role("heading", name="Wallet")).to_be_visible()
    before = wallet_balance(page)
    screenshot(page, "wallet")

    add_to_cart(page, product["id"], 1)
    page.goto("/checkout")
    choose_address(page)
    page.get_by_label("Wallet", exact=True).check()
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", name="Thank you for your order")).to_be_visible()

    page.goto("/wallet")
    expect(page.get_by_text(re.compile(r"order", re.I)).first).to_be_visible()
    assert wallet_balance(page) == before - 1200


def wallet_balance(page):
    text = page.get_by_test_id("wallet-balance").inner_text()
    digits = re.sub(r"[^\d]", "", text)
    return int(digits)


def choose_address(page):
    saved = page.get_by_role("radio", name=re.compile(r"Street|Road|Avenue|Lane", re.I))
    if saved.count() > 0:
        saved.first.check()
    else:
        page.get_by_label("New address").check() if page.get_by_label("New address").count() else None
        fill_new_address(page)


def test_staff_sell_pack_ship_and_take_back_a_product_the_shopper_bought(pages, api, tmp_path):
    staff = pages.open(DESKTOP)
    sign_in(staff, ADMIN_EMAIL, ADMIN_PASSWORD)
    staff.goto("/admin")
    expect(staff.get_by_role("heading", name="Back office")).to_be_visible()
    screenshot(staff, "admin")

    # A new product with a picture.
    name = unique("Staff teapot")
    staff.goto("/admin/products")
    staff.get_by_role("link", name="New product").click()
    expect(staff.get_by_role("heading", name="New product")).to_be_visible()
    staff.get_by_label("SKU", exact=True).fill(unique("TEA").upper())
    staff.get_by_label("Name", exact=True).fill(name)
    staff.get_by_label("Description", exact=True).fill("A teapot the staff added in the browser.")
    staff.get_by_label("Price", exact=True).fill("34.50")
    staff.get_by_label("Category", exact=True).select_option(index=1)
    staff.get_by_label("Stock on hand", exact=True).fill("5")
    staff.get_by_role("button", name="Save product").click()
    expect(staff.get_by_role("heading", name=f"Edit {name}")).to_be_visible()
    picture = tmp_path / "teapot.png"
    picture.write_bytes(png())
    upload = staff.get_by_role("form", name="Add an image")
    upload.get_by_label("Image file").set_input_files(str(picture))
    upload.get_by_label("Alt text").fill("A blue teapot")
    upload.get_by_role("button", name="Upload image").click()
    expect(staff.get_by_role("img", name="A blue teapot")).to_be_visible()
    screenshot(staff, "admin-product")

    # The shopper sees it, with its picture, and buys it.
    shopper = pages.open(PHONE)
    new_customer(shopper)
    shopper.goto(f"/products?q={name}")
    shopper.get_by_role("link", name=name).first.click()
    image = shopper.get_by_role("img", name="A blue teapot").first
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0"), "the picture loaded"
    shopper.get_by_role("button", name="Add to cart").click()
    expect(shopper.get_by_role("status")).to_contain_text("Added to cart")
    shopper.goto("/checkout")
    fill_new_address(shopper)
    pay_by_card(shopper, OK_CARD)
    shopper.get_by_role("button", name="Place order").click()
    expect(shopper.get_by_role("heading", name="Thank you for your order")).to_be_visible()
    order_id = order_id_from_url(shopper)

    # Staff pack it (the packing task comes through the outbox) and ship it.
    task = card_of(staff, "/admin/packing?status=pending", "Packing", order_id)
    task.get_by_role("button", name="Mark packed").click()
    expect(staff.get_by_role("status")).to_contain_text(re.compile(r"packed", re.I))
    screenshot(staff, "admin-packing")
    shipment = card_of(staff, "/admin/shipments", "Shipments", order_id)
    shipment.get_by_role("button", name="Mark in transit").click()
    expect(staff.get_by_role("status")).to_contain_text(re.compile(r"transit", re.I))
    shipment = card_of(staff, "/admin/shipments", "Shipments", order_id)
    shipment.get_by_role("button", name="Mark delivered").click()
    expect(staff.get_by_role("status")).to_contain_text(re.compile(r"delivered", re.I))

    # The shopper sees the tracking number, then asks for a return.
    tracking = None
    for _ in range(30):
        shopper.goto(f"/orders/{order_id}")
        tracking = shopper.get_by_text(re.compile(r"Tracking number: \S+"))
        if tracking.count() > 0 and shopper.get_by_role("button", name="Ask for a return").count() > 0:
            break
        time.sleep(1)
    expect(tracking.first).to_be_visible()
    screenshot(shopper, "order")
    shopper.get_by_role("button", name="Ask for a return").click()
    shopper.get_by_label(re.compile(r"Reason", re.I)).fill("It is the wrong blue.")
    shopper.get_by_role("button", name="Send return request").click()
    expect(shopper.get_by_role("status")).to_contain_text(re.compile(r"return", re.I))

    # Staff receive it; the refund and credit note follow through the outbox.
    returned = card_of(staff, "/admin/returns?status=requested", "Returns", order_id)
    returned.get_by_role("button", name="Receive").click()
    expect(staff.get_by_role("status")).to_contain_text(re.compile(r"received", re.I))
    screenshot(staff, "admin-returns")

    credit = None
    for _ in range(30):
        shopper.goto(f"/orders/{order_id}")
        credit = shopper.get_by_text(re.compile(r"Credit note CN-"))
        if credit.count() > 0:
            break
        time.sleep(1)
    expect(credit.first).to_be_visible()
    assert api.get(f"/api/orders/{order_id}").json()["status"] == "refunded"


def card_of(page, path, heading, order_id, attempts=30):
    """The back-office card (a packing task, shipment or return) of the order,
    waiting for it to arrive through the outbox."""
    # Orders are named by the last 8 characters of their time-ordered id.
    card = page.locator("article").filter(has_text=order_id[-8:])
    for _ in range(attempts):
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        page.wait_for_load_state("networkidle")
        if card.count() > 0:
            return card.first
        time.sleep(1)
    raise AssertionError(f"no card for order {order_id} at {path}")


def test_a_customer_is_refused_the_back_office(pages, api):
    page = pages.open(DESKTOP)
    new_customer(page)
    expect(page.get_by_role("link", name="Back office")).to_have_count(0)
    for path in ("/admin", "/admin/products", "/admin/orders", "/admin/returns"):
        page.goto(path)
        expect(page.get_by_role("heading", name="Not for you")).to_be_visible()
    # The API refuses the session too, whatever the page shows.
    answer = page.evaluate("fetch('/api/admin/packing-tasks').then(r => r.status)")
    assert answer == 403


def test_markup_in_a_product_name_is_shown_as_text(pages, api):
    token = unique("Bold")
    attack = f"<img src=x onerror=\"window.__xss=1\"> {token} <script>window.__xss=2</script>"
    product = create_product(api, attack)
    page = pages.open(DESKTOP)
    page.goto(f"/products/{product['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(attack)
    page.goto(f"/products?q={token}")
    expect(page.get_by_text(attack).first).to_be_visible()
    assert page.evaluate("window.__xss") is None
    assert page.locator("main img[src='x']").count() == 0
    assert page.locator("main script").count() == 0


def test_the_pages_are_small_and_served_with_a_strict_policy(pages):
    page = pages.open(DESKTOP)
    response = page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_load_state("networkidle")
    headers = response.headers
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"]
    sizes = page.evaluate(
        """() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
            .filter(e => e.initiatorType !== 'img')
            .map(e => [e.name, e.decodedBodySize])"""
    )
    total = sum(size for _, size in sizes)
    assert total < 150_000, f"the home page weighs {total} bytes before images: {sizes}"
    page.set_viewport_size(PHONE)
    screenshot(page, "home")
    # Keyboard: the skip link comes first and moves focus to the content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
