"""Fixtures for the browser journeys: one Chromium, pages at phone and desktop
width that fail the test on any script error, and an API client for setting up
and checking what the pages cannot show."""

import os
import re
import struct
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

SHOP_URL = os.environ.get("SHOP_URL", "http://localhost:9000")
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp/web-screenshots"))
ADMIN_EMAIL = "admin@shop.local"
ADMIN_PASSWORD = os.environ.get("ADMIN_PASSWORD", "e2e-admin-password")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 860}

# Chromium logs every fetch answered 4xx as a console error; a declined card
# (402) or a refused back-office call (403) is expected there. Script errors,
# 5xx answers and CSP violations are not.
EXPECTED_NETWORK = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d")

expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def playwright():
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(
        executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        args=["--no-sandbox"],
    )
    yield browser
    browser.close()


class Pages:
    """Opens pages (each in its own context: its own cookies) and collects
    every script error they report."""

    def __init__(self, browser):
        self.browser = browser
        self.contexts = []
        self.errors = []

    def open(self, viewport=DESKTOP):
        context = self.browser.new_context(base_url=SHOP_URL, viewport=viewport)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on(
            "console",
            lambda m: m.type == "error"
            and not EXPECTED_NETWORK.match(m.text)
            and self.errors.append(f"console: {m.text}"),
        )
        return page

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser):
    opened = Pages(browser)
    yield opened
    opened.close()
    assert opened.errors == [], "the pages reported errors"


@pytest.fixture(scope="session")
def api(playwright):
    """The API as the admin sees it (bearer token), for setting up and checking."""
    request = playwright.request.new_context(base_url=SHOP_URL)
    login = request.post("/api/auth/login", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert login.ok, login.text()
    token = login.json()["access_token"]
    admin = playwright.request.new_context(
        base_url=SHOP_URL, extra_http_headers={"Authorization": f"Bearer {token}"}
    )
    yield admin
    admin.dispose()
    request.dispose()


def screenshot(page, name):
    """Saves the page as `<name>-<width>.png` for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


def png(width=96, height=64, rgb=(29, 78, 216)):
    """A small solid PNG, made here (no imaging library needed)."""
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
