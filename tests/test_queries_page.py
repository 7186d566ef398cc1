"""The analysts' Queries page in Chromium: forms from the declared parameters, results as a table,
a bar chart or a path graph, downloads, links to cases, and nothing a user typed run as code."""

from __future__ import annotations

import re

import pytest
import test_browser

from causalmap.named_queries import load_queries
from causalmap.store.items import update_case

pytestmark = pytest.mark.browser
server, browser, page = test_browser.server, test_browser.browser, test_browser.page  # the same fixtures


def test_the_page_lists_every_query_and_builds_typed_forms(page, server):
    page.goto(f"{server}/queries")
    assert page.locator("table.data tbody tr").count() == len(load_queries())
    page.click("text=The most common causal path patterns to harm")
    assert page.locator("#p-max_length").get_attribute("type") == "number"
    assert (page.locator("#p-max_length").get_attribute("min"), page.locator("#p-max_length").get_attribute("max"),
            page.input_value("#p-max_length")) == ("1", "8", "6")
    assert page.locator("#p-category option").all_inner_texts()[1:] == [
        "response to incidents", "longer-term work", "family-professional interaction", "human reasoning", "tools",
        "management systems"]
    assert page.eval_on_selector("#p-harm_kinds", "s => [...s.selectedOptions].map(o => o.value)") == ["outcome"]
    for common in ("cases", "board", "region", "review_kind", "from_year", "to_year"):
        assert page.locator(f"#p-{common}").count() == 1


def test_counts_come_as_a_table_and_a_bar_chart_with_downloads_and_case_links(page, server, two_samples):
    page.goto(f"{server}/queries/national-patterns")
    page.select_option("#p-cases", two_samples)
    page.click("#query-form button[type=submit]")
    page.wait_for_selector("#rows tbody tr")
    rows = page.locator("#rows tbody tr")
    assert [rows.nth(i).locator("td").nth(0).inner_text() for i in range(rows.count())] == [
        "agency_silent", "referral_without_feedback", "no_strategy_discussion", "start_again"]
    assert rows.nth(0).locator("td").nth(2).inner_text() == "2"
    assert rows.nth(0).locator("td a").evaluate_all("links => links.map(a => a.getAttribute('href'))") == [
        f"/cases/{c}" for c in two_samples]
    assert page.locator(".bar").count() == 4
    assert page.locator(".bar").all_inner_texts() == ["28", "6", "4", "2"]
    csv_href = page.get_attribute("#download-csv", "href")
    assert re.search(r"/api/queries/national-patterns\?cases=.*&format=csv$", csv_href)
    answer = page.request.get(f"{server}{csv_href}")
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.text().splitlines()[0] == "pattern,occurrences,cases,case_ids"
    page.screenshot(path=str(test_browser.SHOTS / "20-queries-counts.png"), full_page=True)


def test_paths_come_with_a_small_graph(page, server, two_samples):
    page.goto(f"{server}/queries/causal-paths-from-category")
    page.select_option("#p-category", "human_reasoning")
    page.select_option("#p-cases", two_samples[:1])
    page.click("#query-form button[type=submit]")
    page.wait_for_selector("#rows tbody tr")
    assert page.locator("#rows tbody tr").count() == 4
    assert page.locator("#path-graph canvas").count() == 1
    assert page.locator("#rows tbody tr").nth(0).locator("td").nth(2).inner_text() == (
        "factor:human_reasoning › decision:taken › event:outcome")
    page.screenshot(path=str(test_browser.SHOTS / "21-queries-paths.png"), full_page=True)


def test_a_refused_parameter_is_shown_and_nothing_typed_runs(page, server, store, two_samples):
    update_case(store, two_samples[0], {"version": 1, "board": "<img src=x onerror=alert(1)>"})
    page.goto(f"{server}/queries/findings-like-text")
    assert "<img src=x onerror=alert(1)>" in page.locator("#p-board option").all_inner_texts()
    assert page.locator("img").count() == 0
    page.fill("#p-text", "information")
    page.fill("#p-from_year", "2030")
    page.fill("#p-to_year", "2020")
    page.click("#query-form button[type=submit]")
    page.wait_for_selector("#result-summary:has-text('0 rows')")
    assert page.get_attribute("#p-from_year", "min") == "1900"  # the browser refuses 1800 itself;
    page.eval_on_selector("#query-form", "f => { f.noValidate = true; }")  # the server too, by name
    page.fill("#p-from_year", "1800")
    page.click("#query-form button[type=submit]")
    page.wait_for_selector("#query-errors p")
    assert page.inner_text("#query-errors p") == ("Bad request: from_year=1800: from_year must be from 1900 "
                                                  "to 2200")


def test_no_inline_script_or_handler_in_the_page(client):
    for path in ("/queries", "/queries/causal-paths-from-category", "/queries/shortest-causal-path"):
        html = client.get(path).get_data(as_text=True)
        scripts = re.findall(r"<script([^>]*)>", html)
        assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts), (path, scripts)
        assert not re.search(r"\son[a-z]+=", html)
