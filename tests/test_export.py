"""Exports opened the way their readers open them: NetworkX, an XML parser, pypdf, Pillow,
`causalmap import`; redacted exports searched for every listed term; bad input writes nothing."""

from __future__ import annotations

import io
import os
import re
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from PIL import Image
from pypdf import PdfReader

from causalmap.interchange.case_json import export_case as case_document
from causalmap.interchange.case_json import import_case
from causalmap.interchange.graph_files import case_graph
from causalmap.render.report import SECTIONS
from causalmap.samples import sample_document
from causalmap.store.redactions import save_redactions

FORMATS = ("json", "csv", "graphml", "gexf", "svg", "png", "pdf", "html", "report")
TERMS = {"Ms R": "the mother", "Mr T": "her partner", "Ashdown": "Northshire", "Millbrook": "the surgery"}
SAMPLE_AGENCIES = {"Ashdown Social Care", "Westmarch Police", "Millbrook Surgery", "St Annes Hospital",
                   "Ashdown Health Visiting", "Ashdown Mental Health Team", "Little Oaks Nursery",
                   "Westmarch Probation", "Ashdown Housing"}


@pytest.fixture(scope="module")
def sample_case(store):
    case_id = "export-sample"
    store.driver.execute_query("MATCH (n {case_id: $c}) DETACH DELETE n", c=case_id)
    store.driver.execute_query("MATCH (n:Case {id: $c}) DETACH DELETE n", c=case_id)
    import_case(store, sample_document(), as_id=case_id)
    yield case_id
    store.driver.execute_query("MATCH (n {case_id: $c}) DETACH DELETE n", c=case_id)
    store.driver.execute_query("MATCH (n:Case {id: $c}) DETACH DELETE n", c=case_id)


def export(cli, case_id: str, fmt: str, path: Path, *args: str):
    ran = cli("export", case_id, "--format", fmt, "-o", str(path), *args)
    assert ran.code == 0, ran.err
    return ran


def pdf_text(path: Path) -> str:
    reader = PdfReader(str(path))
    return "\n".join(page.extract_text() for page in reader.pages) + "\n" + str(reader.metadata)


def test_graphml_and_gexf_read_back_with_every_node_edge_and_attribute(cli, store, sample_case, tmp_path):
    expected = case_graph(case_document(store, sample_case))
    assert expected.number_of_nodes() == 9 + 93 + 10 + 18 + 6 + 5 + 5
    for fmt, read in (("graphml", lambda p: nx.read_graphml(p, force_multigraph=True)), ("gexf", nx.read_gexf)):
        export(cli, sample_case, fmt, tmp_path / f"case.{fmt}")
        graph = read(tmp_path / f"case.{fmt}")
        assert dict(graph.nodes(data=True)) == dict(expected.nodes(data=True)), fmt
        edges = sorted((u, v, d["relation"]) for u, v, d in graph.edges(data=True))
        assert edges == sorted((u, v, d["relation"]) for u, v, d in expected.edges(data=True)), fmt
        links = [d for u, v, d in graph.edges(data=True) if d["relation"] == "CONTRIBUTED_TO"]
        assert len(links) == len(sample_document()["causal_links"])
        assert all(d["strength"] in ("weak", "moderate", "strong") and d["confidence"] for d in links), fmt
    event = expected.nodes["event:nur-20230316"]
    assert (event["kind"], event["event_kind"], event["agency"], event["sector"], event["date"],
            event["date_precision"]) == ("event", "referral", "little-oaks-nursery", "early_years", "2023-03-16", "day")
    factor = next(d for n, d in expected.nodes(data=True) if d["kind"] == "factor")
    assert {"category", "valence", "label"} <= set(factor)


def test_the_svg_names_every_agency_and_both_views_are_drawn(cli, sample_case, tmp_path):
    for view in ("map", "timeline"):
        export(cli, sample_case, "svg", tmp_path / f"{view}.svg", "--view", view)
        root = ET.parse(tmp_path / f"{view}.svg").getroot()
        texts = {"".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")}
        assert SAMPLE_AGENCIES <= texts, view
        assert ("Contributory factors" in texts) == (view == "map")
        assert {"Oct 2022", "2023", "2024"} <= texts  # the date axis
    boxes = []  # the items' boxes on the map: no two overlap, so no label sits on another
    root = ET.parse(tmp_path / "map.svg").getroot()
    for group in root.iter("{http://www.w3.org/2000/svg}g"):
        title = group.find("{http://www.w3.org/2000/svg}title")
        if group.get("class") == "node" and title is not None and title.text.startswith("n"):
            shape = next(e for e in group.iter() if e.tag.endswith(("polygon", "path")))
            numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", shape.get("points") or shape.get("d"))]
            boxes.append((min(numbers[0::2]), min(numbers[1::2]), max(numbers[0::2]), max(numbers[1::2])))
    assert len(boxes) == 93 + 10 + 18
    overlapping = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                   if a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1]
    assert overlapping == []
    timeline = (tmp_path / "timeline.svg").read_text()
    assert timeline.count('xlink:title="Unanswered ') == 9  # each unanswered communication marked


def test_diagram_text_prints_at_8_pt_or_more_on_a3_pages(cli, sample_case, tmp_path):
    export(cli, sample_case, "pdf", tmp_path / "map.pdf")
    reader = PdfReader(str(tmp_path / "map.pdf"))
    assert len(reader.pages) == 12
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} == {(1191, 842)}
    from causalmap.render.diagram import PRINT_SCALE
    from causalmap.render.layout import FONT_SIZE

    assert FONT_SIZE * PRINT_SCALE >= 8


def test_the_report_holds_every_section_in_order(cli, sample_case, tmp_path):
    export(cli, sample_case, "report", tmp_path / "report.pdf")
    text = pdf_text(tmp_path / "report.pdf")
    positions = [text.index(section) for section in SECTIONS]
    assert positions == sorted(positions)
    for expected in ("Child K, Ashdown (2024)", "Review report", "Status: in review",
                     "SCIE Learning Together (systems approach)", "Figure 1. The causal map",
                     "Figure 2. The multi-agency timeline", "Response to incidents", "Type 1: local clear cut",
                     "Children's social care sends every referrer a written"):
        assert expected in text, expected
    gaps = text[text.index(SECTIONS[3]):text.index(SECTIONS[4])]
    assert gaps.index("HIGH") < gaps.index("MEDIUM") < gaps.index("LOW")  # most serious first


def test_the_png_decodes_at_its_size(cli, sample_case, tmp_path):
    export(cli, sample_case, "png", tmp_path / "map.png")
    image = Image.open(tmp_path / "map.png")
    image.load()
    assert image.format == "PNG"
    assert image.size[0] > 4000 and image.size[1] > 2500


def test_the_csv_imports_back_to_the_same_events(cli, store, sample_case, new_case_id, tmp_path):
    export(cli, sample_case, "csv", tmp_path / "chronology.csv")
    copy = new_case_id("csv")
    ran = cli("import", copy, str(tmp_path / "chronology.csv"))
    assert ran.code == 0, ran.err
    fields = ("id", "date", "date_precision", "time", "kind", "description", "agency", "source", "disputed",
              "concern", "notes", "to_agencies", "participants", "responds_to", "account_of")

    def events(case_id: str) -> list[tuple]:
        return sorted(tuple(str(e.get(f)) for f in fields) for e in case_document(store, case_id)["events"])

    assert events(copy) == events(sample_case)
    made_at = {d["made_at"]: (d["description"], d["taken"]) for d in case_document(store, sample_case)["decisions"]}
    assert {d["made_at"]: (d["description"], d["taken"]) for d in case_document(store, copy)["decisions"]} == made_at


def test_every_format_is_the_same_bytes_twice(cli, sample_case, tmp_path):
    for fmt in FORMATS:
        export(cli, sample_case, fmt, tmp_path / f"a.{fmt}")
        export(cli, sample_case, fmt, tmp_path / f"b.{fmt}")
        assert (tmp_path / f"a.{fmt}").read_bytes() == (tmp_path / f"b.{fmt}").read_bytes(), fmt


def test_a_redacted_export_never_holds_a_listed_term(cli, sample_case, tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("term,replacement\n" + "".join(f"{t},{r}\n" for t, r in TERMS.items()), encoding="utf-8")
    for fmt in FORMATS:
        path = tmp_path / f"redacted.{fmt}"
        ran = export(cli, sample_case, fmt, path, "--redact", str(names))
        assert ran.err.splitlines()[-1].startswith("Redacted: "), fmt
        raw = path.read_bytes()
        searched = [raw.decode("latin-1").lower()]
        if raw.startswith(b"%PDF"):
            searched.append(pdf_text(path).lower())
        for term in TERMS:
            assert all(term.lower() not in text for text in searched), (fmt, term)
    assert "Child K, Northshire (2024)" in pdf_text(tmp_path / "redacted.report")
    assert "Northshire Social Care" in (tmp_path / "redacted.svg").read_text()


def test_the_command_says_how_many_replacements_it_made(cli, store, case_id, tmp_path):
    doc = sample_document()
    doc["events"] = [e for e in doc["events"] if e["id"] in ("hv-20220906", "gp-20220920")]
    doc["decisions"], doc["episodes"], doc["findings"], doc["recommendations"] = [], [], [], []
    doc["factors"], doc["causal_links"] = [], []
    doc["events"][0]["notes"] = "Ms R on 07700 900123, ms.r@example.org"
    import_case(store, doc, as_id=case_id)
    names = tmp_path / "names.csv"
    names.write_text("Ms R,the mother\n", encoding="utf-8")
    ran = cli("export", case_id, "--format", "json", "--redact", str(names))
    assert ran.code == 0
    # "Ms R" once in the health visitor's description, once in its note, once at the GP ("ms.r" in the
    # e-mail address is no whole-word match); the phone number and the e-mail address once each.
    assert ran.err.strip() == "Redacted: 5 replacements (1 UK phone number, 1 e-mail address, 3 listed terms)."
    assert "Ms R" not in ran.out and "07700" not in ran.out and "@example" not in ran.out


def test_the_stored_redaction_list_is_used_with_redacted(cli, store, sample_case, tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("term,replacement\nWestmarch,Eastshire\n", encoding="utf-8")
    ran = cli("redactions", sample_case, "--set", str(names))
    assert (ran.code, ran.out) == (0, f"Saved the redaction list of case {sample_case}: 1 term.\n"
                                      "Westmarch -> Eastshire\n")
    assert cli("redactions", sample_case, "--format", "json").json() == {
        "case_id": sample_case, "terms": [{"term": "Westmarch", "replacement": "Eastshire"}]}
    try:
        export(cli, sample_case, "svg", tmp_path / "r.svg", "--redacted")
        text = (tmp_path / "r.svg").read_text()
        assert "Westmarch" not in text and "Eastshire Police" in text
        export(cli, sample_case, "svg", tmp_path / "plain.svg")
        assert "Westmarch Police" in (tmp_path / "plain.svg").read_text()
    finally:
        save_redactions(store, sample_case, [])


def test_filters_apply_to_every_format(cli, sample_case, tmp_path):
    export(cli, sample_case, "graphml", tmp_path / "f.graphml", "--agency", "little-oaks-nursery",
           "--from", "2023-03-01", "--to", "2023-12-31")
    graph = nx.read_graphml(tmp_path / "f.graphml", force_multigraph=True)
    events = {n for n, d in graph.nodes(data=True) if d["kind"] == "event"}
    assert events and all(graph.nodes[n]["agency"] == "little-oaks-nursery" for n in events)
    assert all("2023-03-01" <= graph.nodes[n]["date"] <= "2023-12-31" for n in events)
    export(cli, sample_case, "csv", tmp_path / "e.csv", "--episode", "kpe-6")
    assert len((tmp_path / "e.csv").read_text().splitlines()) - 1 == 5


@pytest.mark.parametrize(("args", "message"), [
    (("--format", "docx"), "Invalid value for '--format'"),
    (("--format", "svg", "--view", "gantt"), "Invalid value for '--view'"),
    (("--format", "svg", "--agency", "nobody"), "--agency 'nobody': no such agency in case"),
    (("--format", "svg", "--episode", "kpe-99"), "--episode 'kpe-99': no such key practice episode"),
    (("--format", "svg", "--from", "17/03/2023"), "--from '17/03/2023': use a date as YYYY-MM-DD"),
    (("--format", "svg", "--from", "2024-01-01", "--to", "2023-01-01"), "--from 2024-01-01 is after --to"),
])
def test_bad_input_exits_2_and_writes_nothing(cli, sample_case, tmp_path, args, message):
    path = tmp_path / "out.svg"
    ran = cli("export", sample_case, *args, "-o", str(path))
    assert ran.code == 2
    assert message in ran.err
    assert "Traceback" not in ran.err
    assert not path.exists()


def test_an_unwritable_path_or_a_malformed_redaction_file_writes_nothing(cli, sample_case, tmp_path):
    ran = cli("export", sample_case, "--format", "svg", "-o", str(tmp_path / "missing" / "map.svg"))
    assert (ran.code, ran.err.strip()) == (2, f"causalmap: error: {tmp_path / 'missing'}: no such folder; create "
                                              "it first or choose another -o path")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.geteuid() != 0:  # root may write anywhere
            ran = cli("export", sample_case, "--format", "svg", "-o", str(locked / "map.svg"))
            assert ran.code == 2 and "permission denied" in ran.err
    finally:
        locked.chmod(0o700)
    bad = tmp_path / "names.csv"
    bad.write_text("Ms R,the mother,extra\n", encoding="utf-8")
    ran = cli("export", sample_case, "--format", "pdf", "--redact", str(bad), "-o", str(tmp_path / "map.pdf"))
    assert ran.code == 2
    assert ran.err.splitlines() == [
        f"causalmap: error: {bad}: 1 problem in the redaction file; nothing was written",
        "  row 1: 'Ms R,the mother,extra': has 3 cells; write term,replacement (quote a term that contains a comma)"]
    assert not (tmp_path / "map.pdf").exists()
    ran = cli("export", sample_case, "--format", "png")
    assert ran.code == 2 and "give it a name with -o" in ran.err


def test_exports_are_readable_by_their_owner_only_whatever_the_umask(cli, sample_case, tmp_path):
    old = os.umask(0)
    try:
        export(cli, sample_case, "json", tmp_path / "case.json")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "case.json").stat().st_mode) == 0o600


def test_a_pipe_or_device_is_written_into_never_replaced(cli, sample_case, tmp_path):
    # As `-o /dev/null` would be: renaming a file over it would replace the device for everyone.
    import threading

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    ran = cli("export", sample_case, "--format", "csv", "-o", str(pipe))
    reader.join(timeout=60)
    assert ran.code == 0
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert received[0].startswith(b"date,agency,kind,description,event_id")


CONTENT_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8", "graphml": "application/graphml+xml",
                 "gexf": "application/gexf+xml", "svg": "image/svg+xml", "png": "image/png",
                 "pdf": "application/pdf", "html": "text/html; charset=utf-8", "report": "application/pdf"}


def test_the_api_serves_every_format_with_its_type_and_name(client, sample_case):
    import datetime as dt

    today = dt.date.today().isoformat()
    for fmt, content_type in CONTENT_TYPES.items():
        got = client.get(f"/api/cases/{sample_case}/export?format={fmt}&view=timeline")
        assert got.status_code == 200, fmt
        assert got.headers["Content-Type"] == content_type
        ext = "pdf" if fmt == "report" else fmt
        view = "report" if fmt == "report" else "timeline"
        name = f"{sample_case}-{view}-{today}.{ext}"
        assert got.headers["Content-Disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    assert "/api/cases/{case_id}/export" in client.get("/api/openapi.json").json["paths"]


def test_the_api_refuses_bad_export_parameters_with_a_problem(client, sample_case):
    for query, detail in (("format=docx", "unknown export format 'docx'"), ("view=gantt", "unknown view 'gantt'"),
                          ("colour=red", "unknown export parameter 'colour'"),
                          ("format=svg&agency=nobody", "--agency 'nobody': no such agency")):
        got = client.get(f"/api/cases/{sample_case}/export?{query}")
        assert got.status_code == 400, query
        assert got.json["detail"].startswith(detail), got.json


def test_the_api_redacts_with_the_stored_list(client, sample_case):
    assert client.put(f"/api/cases/{sample_case}/redactions",
                      json={"terms": [{"term": "K", "replacement": "Child K"}]}).status_code == 422
    terms = {"terms": [{"term": "Ashdown", "replacement": "Town"}]}
    client.put(f"/api/cases/{sample_case}/redactions", json=terms)
    try:
        assert client.get(f"/api/cases/{sample_case}/redactions").json["terms"] == [
            {"term": "Ashdown", "replacement": "Town"}]
        got = client.get(f"/api/cases/{sample_case}/export?format=gexf&redact=1")
        assert b"Ashdown" not in got.data and b"ashdown" not in got.data
        assert int(got.headers["X-Causalmap-Replacements"]) > 0
        graph = nx.read_gexf(io.BytesIO(got.data))
        assert "agency:town-social-care" in graph
    finally:
        client.put(f"/api/cases/{sample_case}/redactions", json={"terms": []})


def test_text_from_users_is_escaped_in_svg_and_html(cli, client, store, case_id, tmp_path):
    doc = sample_document()
    evil = '<script>alert(1)</script> & "quoted" \\N'
    doc["events"][0]["description"] = evil
    doc["agencies"][0]["name"] = "</text><a href='x'>Agency</a>"
    import_case(store, doc, as_id=case_id)
    export(cli, case_id, "svg", tmp_path / "e.svg")
    root = ET.parse(tmp_path / "e.svg").getroot()  # still well-formed XML
    titles = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "</text><a href='x'>Agency</a>" in titles
    assert "<script>" not in (tmp_path / "e.svg").read_text()
    export(cli, case_id, "html", tmp_path / "e.html")
    html = (tmp_path / "e.html").read_text()
    assert "<script>alert(1)" not in html and "\\u003cscript\\u003ealert(1)" in html


def test_the_reports_chronology_keeps_recorded_dates_and_never_puts_a_reply_first(cli, case_id, write_csv, tmp_path):
    chronology = write_csv([
        ["date", "agency", "kind", "description", "event_id", "to_agency", "responds_to", "sector"],
        ["1999-04-20", "Met Police", "referral", "Police refer the bruising", "ref", "Brent Social Services",
         "", "police"],
        ["1999-04", "Brent Social Services", "contact", "Social worker phones the police back", "reply", "",
         "ref", "children_social_care"],
        ["1999", "Brent Social Services", "closure", "Case closed", "closed", "", "", ""],
    ])
    assert cli("import", case_id, str(chronology), "--title", "Child A (1999)").code == 0
    export(cli, case_id, "report", tmp_path / "report.pdf")
    text = pdf_text(tmp_path / "report.pdf")
    chronology_part = text[text.index(SECTIONS[1]):text.index(SECTIONS[2])]
    referral = chronology_part.index("20 April 1999")
    reply = chronology_part.index("April 1999", referral + len("20 April 1999"))
    assert referral < reply  # April 1999 reads as 1 April, but the reply never comes before its referral
    assert "\n1999\nBrent Social" in chronology_part  # the year-only closure, as recorded
    assert "1999-04-01" not in text and "1 April 1999" not in text
