"""A shopper's journey through a client generated from the shop's OpenAPI
document by openapi-python-client (`make fuzz` generates it as `shop_api`):
sign in, list products, add one to the cart, check out with a card.

    PYTHONPATH=<dir holding shop_api> python checkout.py http://127.0.0.1:9000
"""

import sys
import uuid

from shop_api import AuthenticatedClient, Client
from shop_api.api.catalogue import catalogue_list_products
from shop_api.api.orders import orders_add_cart_item, orders_create_order, orders_get_order
from shop_api.api.users import users_login
from shop_api.models import (
    AddCartItemRequest,
    CartResponse,
    GivenAddressCheckout,
    LoginRequest,
    OrderResponse,
    PageProductResponse,
    TokenResponse,
)


def fail(what, response):
    sys.exit(f"FAIL {what}: {response.status_code} {response.content!r}")


def main(base_url):
    anonymous = Client(base_url=base_url)
    signed = users_login.sync_detailed(
        client=anonymous,
        body=LoginRequest(email="alice@shop.local", password="demo-password"),
    )
    if not isinstance(signed.parsed, TokenResponse):
        fail("sign in", signed)
    shopper = AuthenticatedClient(base_url=base_url, token=signed.parsed.access_token)
    print("ok   signed in as alice")

    listed = catalogue_list_products.sync_detailed(client=anonymous, in_stock=True, limit=5)
    if not isinstance(listed.parsed, PageProductResponse) or not listed.parsed.items:
        fail("list products", listed)
    product = listed.parsed.items[0]
    print(f"ok   {listed.parsed.total} products in stock; buying {product.sku}")

    added = orders_add_cart_item.sync_detailed(
        client=shopper,
        body=AddCartItemRequest(product_id=product.id, quantity=1),
    )
    if not isinstance(added.parsed, CartResponse) or not added.parsed.items:
        fail("add to the cart", added)
    print(f"ok   the cart holds {len(added.parsed.items)} line(s), {added.parsed.total_cents} cents")

    body = GivenAddressCheckout.from_dict(
        {
            "shipping_address": {
                "name": "Alice",
                "line1": "1 Client Street",
                "city": "Generated",
                "postal_code": "12345",
                "country": "GB",
            },
            "payment": {
                "type": "card",
                "card_number": "4242424242424242",
                "exp_month": 12,
                "exp_year": 2031,
                "cvc": "123",
            },
        }
    )
    placed = orders_create_order.sync_detailed(
        client=shopper, body=body, idempotency_key=str(uuid.uuid4())
    )
    if placed.status_code != 201 or not isinstance(placed.parsed, OrderResponse):
        fail("check out", placed)
    order = placed.parsed
    if str(order.status) != "paid" or not order.invoice_number:
        fail("a paid, invoiced order", placed)
    print(f"ok   order {order.id} paid, invoice {order.invoice_number}")

    fetched = orders_get_order.sync_detailed(client=shopper, id=order.id)
    if not isinstance(fetched.parsed, OrderResponse) or fetched.parsed.id != order.id:
        fail("read the order back", fetched)
    print("ok   the order reads back through the generated client")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:9000")
