"""The panel's path through the web UI, in Debian's Chromium driven by Playwright.

Screenshots of each step are saved in test-output/ for people to look at.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from causalmap.interchange.case_json import import_case
from causalmap.samples import sample_document

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
SHOTS = Path(__file__).resolve().parent.parent / "test-output"


@pytest.fixture(scope="module")
def server(app):
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run `make install` (apt-get install chromium)"
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def signed_in(browser, server, store, new_user, width: int, height: int):
    """A page of the given size signed in as a new administrator through a one-time login link."""
    from causalmap.accounts.users import add_user, issue_login_token

    context = browser.new_context(viewport={"width": width, "height": height})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda e: errors.append(str(e)))
    # A script or style the Content-Security-Policy blocked is an error too (the console says so).
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Content Security Policy"
              in m.text else None)
    name = new_user("browser")
    add_user(store, name, "administrator", None)
    opened.goto(f"{server}/login/link?token={issue_login_token(store, name)}")
    assert opened.inner_text("#signed-in-as") == f"{name} (administrator)"
    yield opened
    context.close()
    assert errors == []


@pytest.fixture
def page(browser, server, store, new_user):
    yield from signed_in(browser, server, store, new_user, 1500, 1000)


@pytest.fixture
def wide(browser, server, store, new_user):
    """The issue's screen: 1440x900."""
    yield from signed_in(browser, server, store, new_user, 1440, 900)


@pytest.fixture
def sample(store, case_id):
    import_case(store, sample_document(), as_id=case_id)
    return case_id


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def wait_until(page, expression: str, timeout_s: float = 30) -> None:
    """Poll a page expression from Python: Playwright's wait_for_function evaluates a string
    inside the page, which the Content-Security-Policy (no eval) rightly refuses."""
    import time

    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout_s} s: {expression}"
        page.wait_for_timeout(100)


def open_map(page, server, case_id):
    page.goto(f"{server}/cases/{case_id}/map")
    page.wait_for_selector("body[data-map-ready=true]", timeout=30000)


def test_the_sample_map_opens_with_its_legend_and_timeline(page, server, sample):
    open_map(page, server, sample)
    assert page.evaluate("causalmap.nodes.length") == 93 + 10 + 18
    assert page.locator("#legend li").count() == 9
    assert page.locator("#timeline circle").count() == 93
    page.check("input[name=colour][value=category]")
    assert page.locator("#legend li").count() == 7
    shot(page, "01-map")


def test_filtering_by_agency_hides_its_events(page, server, sample):
    open_map(page, server, sample)
    page.uncheck("#agency-filter input[value=westmarch-probation]")
    assert page.locator("#timeline circle").count() == 93 - 18
    visible = page.evaluate("causalmap.network.body.data.nodes.length")
    assert visible == 121 - 18
    page.select_option("#episode-filter", "kpe-6")
    assert page.evaluate("causalmap.network.body.data.nodes.length") == 8
    shot(page, "02-filtered")


def test_a_causal_link_added_on_the_map_is_there_after_a_reload(page, server, sample):
    open_map(page, server, sample)
    page.click("#pick-link")

    def click_node(node_id: str) -> None:
        page.locator("#network").scroll_into_view_if_needed()
        page.evaluate("id => causalmap.network.focus(id, {scale: 1.5, animation: false})", node_id)
        xy = page.evaluate("id => causalmap.network.canvasToDOM(causalmap.network.getPositions([id])[id])", node_id)
        box = page.locator("#network").bounding_box()
        assert page.evaluate("p => causalmap.network.getNodeAt(p)", xy) == node_id
        page.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])

    click_node("factor:f-gp-recording")
    click_node("decision:csc-20230317-decision")
    page.wait_for_selector("#editor[open]")
    link_id = page.input_value("#field-id")
    assert page.input_value("#field-cause") == "factor:f-gp-recording"
    assert page.input_value("#field-effect") == "decision:csc-20230317-decision"
    page.fill("#field-mechanism", "The GP's note was never seen by the screener")
    page.select_option("#field-sources", ["millbrook-surgery", "ashdown-social-care"])
    shot(page, "03-add-link")
    page.click("#editor-save")
    page.wait_for_selector("#editor", state="hidden")
    page.reload()
    page.wait_for_selector("body[data-map-ready=true]")
    edge = page.evaluate("id => causalmap.edges.get('link:' + id)", link_id)
    assert (edge["from"], edge["to"]) == ("factor:f-gp-recording", "decision:csc-20230317-decision")


def test_a_bad_chronology_shows_its_row_errors_and_writes_nothing(page, server, sample, tmp_path, store):
    bad = tmp_path / "police.csv"
    bad.write_text("date,agency,kind,description,to_agency\n"
                   "2024-01-02,Westmarch Police,referral,Referral,\n"
                   "13/13/2024,Westmarch Police,contact,Seen,\n")
    page.goto(f"{server}/cases/{sample}/records")
    page.set_input_files("#import-file", str(bad))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-result table")
    rows = page.locator("#import-result tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).inner_text().split("\t")[:2] == ["2", "to_agency"]
    assert rows.nth(1).inner_text().split("\t")[:3] == ["3", "date", "13/13/2024"]
    shot(page, "04-import-errors")
    assert store.read("MATCH (e:Event {case_id: $c}) RETURN count(e) AS n", c=sample) == [{"n": 93}]


def test_clicking_a_gap_highlights_its_events_on_the_map_and_the_timeline(page, server, sample):
    open_map(page, server, sample)
    page.wait_for_selector("#gap-list button")
    gap = page.locator("#gap-list button[data-type=unanswered_handoff]").first
    gap.click()
    highlighted = page.get_attribute("body", "data-highlighted")
    assert highlighted == "event:nur-20230808"
    assert page.evaluate("causalmap.network.getSelectedNodes()") == ["event:nur-20230808"]
    assert page.locator("#timeline circle.selected").count() == 1
    shot(page, "05-gap")


def test_what_an_agency_knew_fades_what_it_did_not(page, server, sample):
    open_map(page, server, sample)
    page.select_option("#know-agency", "ashdown-health-visiting")
    page.fill("#know-date", "2024-02-20")
    page.click("#know-show")
    wait_until(page, "causalmap.state.known !== null")
    assert page.evaluate("causalmap.nodes.get('event:prob-20240111').opacity") == 0.18
    assert page.evaluate("causalmap.nodes.get('event:nur-20240207').opacity") == 1
    shot(page, "06-knowledge")


def test_the_timeline_and_map_select_together_and_text_is_never_html(page, server, sample, client):
    evil = '<img src=x onerror="window.pwned=1">'
    client.post(f"/api/cases/{sample}/events", json={
        "id": "evil", "date": "2024-01-03", "kind": "contact", "description": evil, "agency": "little-oaks-nursery"})
    open_map(page, server, sample)
    page.click("#timeline circle[data-node='event:evil']")
    assert page.evaluate("causalmap.network.getSelectedNodes()") == ["event:evil"]
    assert evil in page.inner_text("#details")
    assert page.evaluate("window.pwned === undefined")
    page.click("#table-toggle")
    assert page.locator("#node-table-wrap table:first-of-type tbody tr").count() == 122
    unanswered = page.locator("#communications-table tbody tr", has_text="never answered")
    assert unanswered.count() == 9
    shot(page, "07-table")


# -- the map a panel can read: measured through the page's own map object ---------------------------
MEASURE = """() => {
  const net = causalmap.network, ids = net.body.data.nodes.getIds();
  const boxes = ids.map(id => ({id, ...net.getBoundingBox(id), ...net.getPositions([id])[id]}));
  const items = causalmap.nodes.get(ids);
  return {boxes, scale: net.getScale(), lanes: causalmap.layout.lanes,
          fonts: [...new Set(items.map(n => n.font.size))], labels: items.filter(n => n.label.trim()).length,
          rewrapped: items.filter(n => net.body.nodes[n.id].labelModule.lines.length !== n.label.split("\\n").length)
                          .map(n => n.id),
          page: document.documentElement.scrollHeight};
}"""


def measure(page) -> dict:
    return page.evaluate(MEASURE)


def overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    ordered = sorted(boxes, key=lambda b: b["left"])
    out = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b["left"] >= a["right"]:
                break
            if b["top"] < a["bottom"] and a["top"] < b["bottom"]:
                out.append((a["id"], b["id"]))
    return out


def check_readable_map(page, snapshot_dates: dict[str, str], lanes_of: dict[str, str]) -> dict:
    m = measure(page)
    assert len(m["boxes"]) == len(snapshot_dates)
    assert overlaps(m["boxes"]) == []
    # Dated events left to right: a later date is never further left.
    from causalmap.render.layout import placement_day

    dated = sorted((placement_day(snapshot_dates[b["id"]]), b["x"]) for b in m["boxes"]
                   if b["id"].startswith("event:"))
    assert [x for _, x in dated] == sorted(x for _, x in dated)
    # Lanes not interleaved: each agency's boxes lie inside its own lane, lanes in order.
    lane_at = {lane["agency"]: (lane["top"], lane["bottom"]) for lane in m["lanes"]}
    for b in m["boxes"]:
        if b["id"] in lanes_of:
            top, bottom = lane_at[lanes_of[b["id"]]]
            assert top <= b["top"] and b["bottom"] <= bottom, b["id"]
    tops = [lane["top"] for lane in m["lanes"]]
    assert tops == sorted(tops)
    # The first view's labels are readable at 1440x900 and the page is at most three screens.
    assert m["fonts"] == [12] and 12 * m["scale"] >= 9
    assert m["labels"] == len(m["boxes"])
    assert m["rewrapped"] == []  # vis-network draws the server's lines as they are
    assert m["page"] <= 3 * 900
    return m


def test_the_sample_map_opens_readable_with_nothing_on_top_of_anything(wide, server, sample):
    document = sample_document()
    dates = {f"event:{e['id']}": e["date"] for e in document["events"]}
    dates |= {f"decision:{d['id']}": d.get("date") for d in document["decisions"]}
    dates |= {f"factor:{f['id']}": None for f in document["factors"]}
    lanes = {f"event:{e['id']}": e["agency"] for e in document["events"]}
    lanes |= {f"decision:{d['id']}": d["agency"] for d in document["decisions"]}
    open_map(wide, server, sample)
    m = check_readable_map(wide, dates, lanes)
    # The first view shows the outcome, with the weeks before it.
    view = wide.evaluate("""() => { const n = causalmap.network, c = n.canvas.frame.canvas;
        return [n.DOMtoCanvas({x: 0, y: 0}), n.DOMtoCanvas({x: c.clientWidth, y: c.clientHeight})]; }""")
    outcome = next(b for b in m["boxes"] if b["id"] == "event:ed-20240405")
    assert view[0]["x"] < outcome["left"] and outcome["right"] < view[1]["x"]
    assert view[0]["y"] < outcome["top"] and outcome["bottom"] < view[1]["y"]
    # Harm and the outcome stand out; an ordinary event does not.
    harm = wide.evaluate("causalmap.nodes.get('event:ed-20240405')")
    assert (harm["borderWidth"], harm["color"]["border"]) == (4, "#A4161A")
    assert wide.evaluate("causalmap.nodes.get('event:hv-20220906').borderWidth") == 2
    shot(wide, "08-first-view")
    wide.screenshot(path=str(SHOTS / "08-first-view-page.png"), full_page=True)


def test_a_generated_300_event_map_opens_readable_with_nothing_on_top_of_anything(wide, server, store, new_case_id,
                                                                                   tmp_path):
    from bench.generate import write_chronology
    from causalmap.chronology import read_table
    from causalmap.store.chronology import import_chronology

    case_id = new_case_id("g300")
    table = read_table(write_chronology(tmp_path / "g.csv", 300))
    import_chronology(store, case_id, table)
    events = store.read("MATCH (e:Event {case_id: $c}) RETURN e.id AS id, e.date AS date, e.agency AS agency",
                        c=case_id)
    decisions = store.read("MATCH (d:Decision {case_id: $c}) RETURN d.id AS id, d.date AS date, d.agency AS agency",
                           c=case_id)
    dates = {f"event:{e['id']}": e["date"] for e in events} | {f"decision:{d['id']}": d["date"] for d in decisions}
    lanes = {f"event:{e['id']}": e["agency"] for e in events} | {f"decision:{d['id']}": d["agency"] for d in decisions}
    open_map(wide, server, case_id)
    m = check_readable_map(wide, dates, lanes)
    assert len(m["lanes"]) == 15
    # Beyond nine agencies colour is not the only cue: the repeats carry a border pattern.
    legend = wide.locator("#legend li").all_inner_texts()
    assert len(legend) == 15 and sum(t.endswith("(dashed border)") for t in legend) == 6
    shot(wide, "09-generated-300")


def test_zooming_out_shortens_then_hides_labels_but_keeps_the_axis(wide, server, sample):
    open_map(wide, server, sample)
    label = "causalmap.nodes.get('event:ed-20240405').label"
    assert wide.evaluate(label).split("\n") == ["Outcome: K seriously injured", "(head injury and older rib",
                                                 "fractures); discharged from..."]
    wide.evaluate("causalmap.network.moveTo({scale: 0.5}); causalmap.network.emit('zoom', {})")
    assert wide.evaluate(label) == "Outcome: K seriously injured..."
    wide.evaluate("causalmap.network.moveTo({scale: 0.2}); causalmap.network.emit('zoom', {})")
    assert wide.evaluate(label) == " "
    shot(wide, "10-zoomed-out")
    wide.evaluate("causalmap.network.moveTo({scale: 1}); causalmap.network.emit('zoom', {})")
    assert wide.evaluate(label).startswith("Outcome: K seriously injured\n")


def test_selecting_an_item_shows_its_words_and_fades_what_is_not_in_its_chain(page, server, sample):
    open_map(page, server, sample)
    page.click("#table-toggle")
    page.click("#node-table-wrap button:text-is('Advise Ms R to see her GP about low mood')")
    details = page.inner_text("#details")
    assert page.inner_text("#details h3") == "Decision, 6 September 2022"
    assert page.inner_text("#details h3 + p") == "Advise Ms R to see her GP about low mood"
    assert "Ashdown Health Visiting" in details and "decision:" not in details.split("Reference")[0]
    focus = page.get_attribute("body", "data-focus").split()
    assert "decision:hv-20220906-decision" in focus and "event:hv-20220906" in focus
    assert page.evaluate("causalmap.nodes.get('event:ed-20240405').opacity") == 0.18
    assert page.evaluate("causalmap.nodes.get('event:hv-20220906').opacity") == 1
    page.click("#focus-clear")
    assert page.evaluate("causalmap.nodes.get('event:ed-20240405').opacity") == 1


def test_a_causal_link_can_be_added_from_the_keyboard_alone(page, server, sample, store):
    open_map(page, server, sample)
    # The map itself: focused with Tab, the arrow keys pan it.
    page.focus("#network .vis-network")
    before = page.evaluate("causalmap.network.getViewPosition().x")
    page.keyboard.down("ArrowRight")
    page.wait_for_timeout(300)
    page.keyboard.up("ArrowRight")
    assert page.evaluate("causalmap.network.getViewPosition().x") > before
    page.focus("#add-link")
    page.keyboard.press("Enter")
    page.wait_for_selector("#editor[open]")
    assert page.evaluate("document.activeElement.id") == "filter-cause"
    assert page.evaluate("document.getElementById('field-id').readOnly") is True
    page.keyboard.type("GP about low mood")
    assert page.input_value("#field-cause") == "decision:hv-20220906-decision"
    page.focus("#filter-effect")
    page.keyboard.type("seriously injured")
    assert page.input_value("#field-effect") == "event:ed-20240405"
    page.click("#editor-save")
    page.wait_for_selector("#editor", state="hidden")
    links = store.read("MATCH (a {id: 'hv-20220906-decision'})-[r:CONTRIBUTED_TO {case_id: $c}]->(b) "
                       "RETURN b.id AS effect, r.strength AS strength", c=sample)
    assert links == [{"effect": "ed-20240405", "strength": "moderate"}]


def test_the_timeline_is_one_tab_stop_with_arrow_keys_inside(page, server, sample):
    open_map(page, server, sample)
    assert page.locator("#timeline [tabindex]").count() == 1
    page.focus("#timeline-body")
    page.keyboard.press("Home")
    assert page.evaluate("causalmap.state.selected") is None
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    assert page.evaluate("causalmap.state.selected") == "event:gp-20220920"
    assert page.locator("#timeline circle.selected").count() == 1
    names = page.locator("#timeline-names .tl-name")
    assert names.count() == 9 and names.first.inner_text() == "Ashdown Social Care"
    # The names stay at the left while the timeline scrolls to the end of the case.
    page.evaluate("document.getElementById('timeline').scrollLeft = 0")
    left = page.locator("#timeline").bounding_box()["x"]
    page.evaluate("document.getElementById('timeline').scrollLeft = 100000")
    assert page.evaluate("document.getElementById('timeline').scrollLeft") > 500
    assert abs(names.first.bounding_box()["x"] - left) <= 2


# -- the gap list and what to read first (issue 10) ------------------------------------------
def gaps_of(client, case_id):
    return client.get(f"/api/cases/{case_id}/analysis?which=gaps").get_json()


def test_the_gap_list_is_grouped_by_story_in_score_order(page, server, sample, client):
    open_map(page, server, sample)
    page.wait_for_selector("#gap-list li.story")
    result = gaps_of(client, sample)
    shown = [g for g in result["gaps"] if g["severity"] != "low"]  # "Hide low severity" starts ticked
    stories = list(dict.fromkeys(g["story"] for g in shown))
    assert page.eval_on_selector_all("#gap-list li.story", "els => els.map(e => e.dataset.story)") == stories
    assert page.eval_on_selector_all("#gap-list li.story button", "els => els.map(e => e.dataset.story)") == [
        g["story"] for s in stories for g in shown if g["story"] == s]
    assert page.inner_text("#gaps-count") == (f"{len(shown)} of {len(result['gaps'])} gaps shown, in "
                                              f"{len(stories)} {'story' if len(stories) == 1 else 'stories'}.")
    first = page.locator("#gap-list li.story summary").first.inner_text()
    story = next(s for s in result["stories"] if s["id"] == stories[0])
    assert first.startswith(story["title"])
    assert "Why: " in page.locator("#gap-list button").first.inner_text()


def test_filters_by_type_agency_and_severity(page, server, sample, client):
    open_map(page, server, sample)
    page.wait_for_selector("#gap-list li.story")
    page.uncheck("#gaps-hide-low")
    page.select_option("#gaps-type", "silent_pair")
    types = page.eval_on_selector_all("#gap-list button", "els => els.map(e => e.dataset.type)")
    result = gaps_of(client, sample)
    assert types == ["silent_pair"] * sum(g["type"] == "silent_pair" for g in result["gaps"])
    page.select_option("#gaps-type", "")
    page.select_option("#gaps-agency", "little-oaks-nursery")
    assert page.locator("#gap-list button").count() == sum("little-oaks-nursery" in g["agencies"]
                                                           for g in result["gaps"])
    page.select_option("#gaps-severity", "high")
    classes = page.eval_on_selector_all("#gap-list button", "els => els.map(e => e.className)")
    assert classes and set(classes) == {"sev-high"}
    assert len(classes) == sum("little-oaks-nursery" in g["agencies"] and g["severity"] == "high"
                               for g in result["gaps"])


def test_the_list_scrolls_inside_its_panel(page, server, sample):
    open_map(page, server, sample)
    page.wait_for_selector("#gap-list li.story")
    page.uncheck("#gaps-hide-low")
    overflow, scroll, client = page.eval_on_selector(
        "#gap-list", "e => [getComputedStyle(e).overflowY, e.scrollHeight, e.clientHeight]")
    assert overflow == "auto" and scroll > client
    assert client <= 1000 * 0.6 + 1  # 60% of the viewport at most


def test_mark_gaps_on_the_map_marks_only_what_the_list_shows(page, server, sample, client):
    open_map(page, server, sample)
    page.wait_for_selector("#gap-list li.story")
    page.select_option("#gaps-type", "late_response")
    page.select_option("#gaps-severity", "high")
    page.check("#gaps-overlay")
    result = gaps_of(client, sample)
    expected = sorted({f"event:{e}" for g in result["gaps"] if g["type"] == "late_response" and g["severity"] == "high"
                       for e in g["event_ids"]})
    assert page.evaluate("[...causalmap.state.gapMarks].sort()") == expected
    page.select_option("#gaps-type", "unanswered_handoff")  # the marks follow the list
    expected = sorted({f"event:{e}" for g in result["gaps"] if g["type"] == "unanswered_handoff"
                       and g["severity"] == "high" for e in g["event_ids"]})
    assert page.evaluate("[...causalmap.state.gapMarks].sort()") == expected
    shot(page, "07-gap-filters")
    page.uncheck("#gaps-overlay")
    assert page.evaluate("causalmap.state.gapMarks.size") == 0


def test_read_these_first_is_the_top_of_the_ranking_across_types(page, server, sample, client):
    result = client.get(f"/api/cases/{sample}/analysis?which=all").get_json()
    rank = {"high": 0, "medium": 1, "low": 2}
    top = sorted(result["gaps"] + result["patterns"] + result["checks"],
                 key=lambda i: (-i["score"], rank[i["severity"]], i["period"]["earliest"] or "9999"))[:8]
    page.goto(f"{server}/cases/{sample}")
    items = page.locator("#read-first li")
    assert items.count() == 8
    assert [items.nth(n).get_attribute("data-type") for n in range(8)] == [i["type"] for i in top]
    assert items.nth(0).inner_text().startswith(
        f"{top[0]['severity'].upper()} · {top[0]['type'].replace('_', ' ')} · score {top[0]['score']}")
    assert len({i["type"] for i in top}) > 1  # mixed across types
    page.locator("#read-first").scroll_into_view_if_needed()
    shot(page, "08-read-first")


def test_the_records_forms_make_the_ids(page, server, sample, client):
    page.goto(f"{server}/cases/{sample}/records")
    page.click("button.add[data-section=events]")
    page.wait_for_selector("#editor[open]")
    made = page.input_value("#field-id")
    assert made.startswith("ev-") and page.evaluate("document.getElementById('field-id').readOnly") is True
    page.fill("#field-date", "2024-01-02")
    page.select_option("#field-kind", "contact")
    page.fill("#field-description", "Seen at home")
    page.select_option("#field-agency", "little-oaks-nursery")
    page.click("#editor-save")
    page.wait_for_selector("#editor", state="hidden")
    assert client.get(f"/api/cases/{sample}/events/{made}").json["description"] == "Seen at home"
    page.click("button.add[data-section=agencies]")
    assert page.input_value("#field-id") == "" and page.get_attribute("#field-id", "placeholder") == \
        "made from the name when saved"


def test_the_overview_moves_the_map_and_the_time_layout_comes_back_after_the_free_one(page, server, sample):
    open_map(page, server, sample)
    start = page.evaluate("causalmap.network.getViewPosition()")
    page.locator("#overview").click(position={"x": 5, "y": 35})  # the start of the case
    moved = page.evaluate("causalmap.network.getViewPosition()")
    assert moved["x"] < start["x"] - 1000
    assert page.evaluate("causalmap.network.getScale()") == 1  # the zoom is kept
    placed = page.evaluate("causalmap.network.getPositions(['event:hv-20220906'])['event:hv-20220906']")
    page.evaluate("() => { document.body.dataset.mapReady = 'false'; }")
    page.check("input[name=layout][value=free]")
    page.wait_for_selector("body[data-map-ready=true]", timeout=60000)
    assert page.evaluate("causalmap.network.getPositions(['event:hv-20220906'])['event:hv-20220906']") != placed
    page.check("input[name=layout][value=time]")
    assert page.evaluate("causalmap.network.getPositions(['event:hv-20220906'])['event:hv-20220906']") == placed


def test_signing_in_with_a_password_and_out_again(browser, server, store, new_user, sample):
    from causalmap.accounts.users import add_user, grant

    name = new_user("panel")
    add_user(store, name, "panel_member", "a long enough secret")
    grant(store, name, sample)
    context = browser.new_context()
    opened = context.new_page()
    opened.goto(f"{server}/cases/{sample}")
    assert opened.url == f"{server}/login?next=/cases/{sample}"
    opened.fill("#login-name", name)
    opened.fill("#login-password", "not it at all")
    opened.click("#login-form button[type=submit]")
    assert opened.inner_text("#login-message") == "That name and password do not match an account."
    opened.fill("#login-password", "a long enough secret")
    opened.click("#login-form button[type=submit]")
    assert opened.url == f"{server}/cases/{sample}"
    assert opened.inner_text("#signed-in-as") == f"{name} (panel member)"
    assert opened.locator(f"a[href='/api/cases/{sample}/document']").count() == 0  # panel members do not export
    shot(opened, "09-signed-in")
    opened.click("text=Sign out")
    assert opened.url == f"{server}/login"
    opened.goto(f"{server}/")
    assert opened.url == f"{server}/login?next=/"
    context.close()
