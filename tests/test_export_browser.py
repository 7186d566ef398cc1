"""Exports in Chromium: the standalone map offline, the Export menu, the redaction list, printing the map."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from causalmap.export import export_document
from causalmap.samples import sample_document
from tests.test_browser import browser, open_map, page, sample, server, shot, wait_until  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_the_standalone_map_draws_offline_with_the_network_blocked(browser, tmp_path):  # noqa: F811
    path = tmp_path / "map.html"
    path.write_bytes(export_document(sample_document(), "html").content)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    outside: list[str] = []

    def block(route):  # everything but the file itself is refused, and noted
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", block)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda e: errors.append(str(e)))
    opened.goto(path.as_uri())
    opened.wait_for_selector("body[data-map-ready=true]", timeout=30000)
    assert opened.evaluate("causalmap.count") == 93 + 10 + 18
    assert opened.evaluate("Object.keys(causalmap.network.getPositions()).length") == 121
    painted = opened.evaluate("""() => { const c = document.querySelector('#network canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 250 || d[i + 1] < 250)) n++; return n; }""")
    assert painted > 10000  # the boxes and arrows are drawn, not a blank canvas
    assert opened.locator("#legend li").count() == 9 + 6
    assert outside == [] and errors == []
    opened.screenshot(path=str(tmp_path / "standalone.png"))
    context.close()


def test_the_map_pages_export_menu_exports_the_current_view_with_its_filters(page, server, sample):  # noqa: F811
    open_map(page, server, sample)
    page.uncheck("#agency-filter input[value=westmarch-probation]")
    page.fill("#from", "2023-01-01")
    page.dispatch_event("#from", "change")
    page.click("#export-menu summary")
    page.select_option("#export-format", "svg")
    page.select_option("#export-view", "timeline")
    url = page.evaluate("causalmapExportUrl()")
    assert "format=svg" in url and "view=timeline" in url and "from=2023-01-01" in url
    assert "agency=westmarch-probation" not in url and "agency=ashdown-social-care" in url
    assert "hide_low=1" in url  # the gap list hides low severity by default
    with page.expect_download() as waiting:
        page.click("#export-form button[type=submit]")
    download = waiting.value
    assert download.suggested_filename == f"{sample}-timeline-{dt.date.today().isoformat()}.svg"
    svg = open(download.path(), encoding="utf-8").read()
    assert "Westmarch Probation" not in svg and "Little Oaks Nursery" in svg
    shot(page, "08-export-menu")


def test_the_redaction_list_is_edited_on_the_overview_and_used_by_the_menu(page, server, sample):  # noqa: F811
    page.goto(f"{server}/cases/{sample}")
    page.click("#redaction-add")
    page.fill("#redaction-table tbody tr:last-child input[name=term]", "Ms R")
    page.fill("#redaction-table tbody tr:last-child input[name=replacement]", "the mother")
    page.click("#redaction-form button[type=submit]")
    wait_until(page, "document.getElementById('status').textContent.startsWith('Saved the redaction list')")
    page.click("#redaction-add")
    page.fill("#redaction-table tbody tr:last-child input[name=term]", "K")
    page.fill("#redaction-table tbody tr:last-child input[name=replacement]", "Child K")
    page.click("#redaction-form button[type=submit]")
    page.wait_for_selector("#redaction-errors table")
    assert "the replacement contains the listed term 'K'" in page.inner_text("#redaction-errors")
    page.reload()
    assert page.locator("#redaction-table tbody tr").count() == 1
    assert page.input_value("#redaction-table tbody tr input[name=term]") == "Ms R"
    page.click("#export-menu summary")
    assert page.is_checked("#export-redact")
    page.select_option("#export-format", "csv")
    with page.expect_download() as waiting:
        page.click("#export-form button[type=submit]")
    text = open(waiting.value.path(), encoding="utf-8").read()
    assert "Ms R" not in text and "the mother" in text
    shot(page, "09-redaction")


def test_printing_the_map_page_gives_the_map_on_one_page(page, server, sample):  # noqa: F811
    open_map(page, server, sample)
    page.emulate_media(media="print")
    assert page.is_hidden(".controls") and page.is_hidden("#gap-list") and page.is_visible("#network")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
