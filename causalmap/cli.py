"""The `causalmap` command: thin commands over the core, one clear line per error.

Exit codes: 0 success; 1 the operation failed (not found, conflict, database
unavailable, unexpected error); 2 bad input or usage; 3 `db status` found no database
running. `--debug` shows the traceback of an error.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from pathlib import Path
from typing import Any, NoReturn

import click
from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

from causalmap import __version__
from causalmap.asking import confirm
from causalmap.config import SETTINGS, Settings, load_settings
from causalmap.errors import CausalmapError, DatabaseUnavailable, InvalidInput, UsageError
from causalmap.export import FORMATS as EXPORT_FORMATS
from causalmap.export import VIEWS as EXPORT_VIEWS
from causalmap.store import Store, open_store
from causalmap.store.connection import one_line

FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                      help="text for people, json for scripts")


class Context:
    def __init__(self, debug: bool) -> None:
        self.debug = debug
        self._settings: Settings | None = None
        self._store: Store | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings()
        return self._settings

    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.settings)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def _audit(ctx: Context, action: str, **entry: Any) -> None:
    """Record what the command did in the audit trail (see causalmap audit)."""
    from causalmap.accounts.cli import audit_cli

    audit_cli(ctx, action, **entry)


PLURALS = {"agency": "agencies", "causal_link": "causal links"}


def plural(kind: str, n: int) -> str:
    return kind.replace("_", " ") if n == 1 else PLURALS.get(kind, kind + "s")


def emit(fmt: str, data: Any, text: str) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str) if fmt == "json" else text)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="show the full traceback when something fails")
@click.version_option(__version__, prog_name="causalmap")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Map how and why things happened across agencies in a child-safeguarding case review.

    Each case is a graph in Neo4j. Without NEO4J_URI, commands that need the database
    start causalmap's own local Neo4j and say so.
    """
    ctx.obj = Context(debug)
    ctx.call_on_close(ctx.obj.close)


# -- db ------------------------------------------------------------------------------
@cli.group()
def db() -> None:
    """Run the local Neo4j (data in CAUSALMAP_DATA_DIR, Bolt on 127.0.0.1)."""


def _local(ctx: Context):  # type: ignore[no-untyped-def]
    from causalmap.neo4j_local import LocalNeo4j

    if not ctx.settings.local:
        raise UsageError(f"NEO4J_URI is set ({ctx.settings.neo4j_uri}): causalmap uses that server and does "
                         "not run its own; unset NEO4J_URI to use the local one")
    return LocalNeo4j(ctx.settings)


@db.command("start")
@click.pass_obj
def db_start(ctx: Context) -> None:
    """Start the local Neo4j and wait until it answers; apply the schema."""
    from causalmap.store.connection import connect
    from causalmap.store.schema import migrate
    from causalmap.store.staging import settle_all_stages

    local = _local(ctx)
    started = local.start()
    with connect(local.uri, "neo4j", local.password(), "neo4j") as store:
        migrate(store)
        cleared = settle_all_stages(store)  # what imports or deletions killed mid-way left; live ones are kept
    verb = "Started" if started else "Already running:"
    click.echo(f"{verb} Neo4j at {local.uri} (data in {local.data_dir}, password in {local.password_file})")
    if cleared:
        click.echo(f"Finished what interrupted imports or deletions left of: {', '.join(cleared)}")


@db.command("stop")
@click.pass_obj
def db_stop(ctx: Context) -> None:
    """Stop the local Neo4j."""
    local = _local(ctx)
    click.echo("Stopped the local Neo4j." if local.stop() else "The local Neo4j was not running.")


@db.command("status")
@FORMAT
@click.pass_obj
def db_status(ctx: Context, fmt: str) -> None:
    """Say whether the local Neo4j runs (exit 0) or not (exit 3)."""
    state = _local(ctx).status()
    data = {"running": state.running, "pid": state.pid, "uri": state.uri, "data_dir": str(state.data_dir)}
    text = (f"running at {state.uri} (pid {state.pid}, data in {state.data_dir})" if state.running
            else f"not running (data in {state.data_dir}); start it with `causalmap db start`")
    emit(fmt, data, text)
    if not state.running:
        sys.exit(3)


@db.command("migrate")
@click.pass_obj
def db_migrate(ctx: Context) -> None:
    """Create the constraints and indexes (safe to run again)."""
    from causalmap.store.schema import migrate

    names = migrate(ctx.store())
    click.echo(f"Schema in place: {len(names)} constraints and indexes.")


# -- import / export -----------------------------------------------------------------
@cli.command("import")
@click.argument("case_id")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--title", help="title of the case, when it is created by this import")
@click.option("--sheet", help="XLSX only: the sheet to read (default: the first)")
@FORMAT
@click.pass_obj
def import_cmd(ctx: Context, case_id: str, file: Path, title: str | None, sheet: str | None, fmt: str) -> None:
    """Import an agency chronology (CSV, XLSX or JSON) into CASE_ID.

    Every row is checked first; a file with any bad row writes nothing and exits 2.
    Importing the same file again changes nothing.
    """
    from causalmap.chronology import read_table
    from causalmap.store.chronology import import_chronology

    table = read_table(file, sheet)
    report = import_chronology(ctx.store(), case_id, table, title=title)
    _audit(ctx, "case.change", case_id=case_id, detail={"command": "import", "file": file.name})
    lines = [f"Created case {case_id}." if report.case_created else f"Imported into case {case_id}."]
    for label, counts in (("created", report.created), ("updated", report.updated)):
        lines.append(f"  {label}: " + ", ".join(f"{n} {plural(kind, n)}" for kind, n in counts.items()))
    emit(fmt, report.as_dict(), "\n".join(lines))


@cli.command("export")
@click.argument("case_id")
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default="json", show_default=True,
              help="json: the whole case; csv: the chronology to import; graphml, gexf: the graph; svg, png, pdf: "
                   "the diagram; html: the interactive map, one offline file; report: the review report (PDF)")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="file to write, readable by you only (default: standard output, text formats only)")
@click.option("--view", type=click.Choice(EXPORT_VIEWS), default="map", show_default=True,
              help="svg, png, pdf: the causal map or the multi-agency timeline")
@click.option("--agency", "agencies", multiple=True, metavar="AGENCY_ID", help="only this agency (repeatable)")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="only from this day")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="only up to this day")
@click.option("--episode", metavar="EPISODE_ID", help="only this key practice episode")
@click.option("--hide-low", is_flag=True, help="leave low-severity gaps out of the report")
@click.option("--redact", "redact_file", type=click.Path(path_type=Path), metavar="FILE",
              help="redact for publication: the case's redaction list plus FILE (CSV term,replacement)")
@click.option("--redacted", is_flag=True, help="redact for publication with the case's redaction list")
@click.pass_obj
def export_cmd(ctx: Context, case_id: str, fmt: str, output: Path | None, view: str, agencies: tuple[str, ...],
               start: str | None, end: str | None, episode: str | None, hide_low: bool, redact_file: Path | None,
               redacted: bool) -> None:
    """Export CASE_ID as a file: the case, its chronology, its graph, the diagrams or the report.

    The map's filters apply to every format. Redacting replaces the listed terms and always
    e-mail addresses, UK phone numbers, postcodes and NHS numbers, in everything in the file;
    the command says how many replacements it made. Bad input writes nothing and exits 2.
    """
    from causalmap.export import FORMATS, check_writable, export_case, write_owner_only
    from causalmap.render.redact import read_redaction_file
    from causalmap.store.redactions import read_redactions
    from causalmap.view import ViewFilter

    chosen = FORMATS[fmt]
    if output is None and chosen.binary:
        raise UsageError(f"--format {fmt} writes a binary file; give it a name with -o, e.g. -o "
                         f"{case_id}.{chosen.extension}")
    if output is not None:
        check_writable(output)
    filters = ViewFilter.parse(agencies, start, end, episode, hide_low)
    extra = read_redaction_file(redact_file) if redact_file else None
    redaction = None
    if redacted or extra is not None:
        stored = {t.term.lower(): t for t in read_redactions(ctx.store(), case_id)}
        stored.update({t.term.lower(): t for t in extra or []})
        redaction = list(stored.values())
    result = export_case(ctx.store(), case_id, fmt, view=view, filters=filters, redaction=redaction,
                         rules_file=ctx.settings.rules_file)
    _audit(ctx, "case.export", case_id=case_id, detail={"command": "export", "format": fmt,
                                                        "redacted": redaction is not None})
    if output is None:
        click.echo(result.content.decode("utf-8"), nl=False)
    else:
        write_owner_only(output, result.content)
        click.echo(f"Wrote the {fmt} export of case {case_id} to {output}.", err=True)
    if result.replacements is not None:
        detail = ", ".join(f"{n} {name}" for name, n in sorted(result.replacements.items()) if n)
        click.echo(f"Redacted: {result.replaced} replacement{'s' if result.replaced != 1 else ''}"
                   f"{' (' + detail + ')' if detail else ''}.", err=True)


@cli.command("redactions")
@click.argument("case_id")
@click.option("--set", "set_file", type=click.Path(path_type=Path), metavar="FILE",
              help="replace the list with the terms of FILE (CSV term,replacement)")
@FORMAT
@click.pass_obj
def redactions_cmd(ctx: Context, case_id: str, set_file: Path | None, fmt: str) -> None:
    """Show the case's redaction list, or replace it from a CSV file (--set FILE).

    The list is kept with the case and used by `causalmap export --redacted`, by the Export
    menu's "Redacted for publication" and by `GET /api/cases/ID/export?redact=1`.
    """
    from causalmap.render.redact import read_redaction_file
    from causalmap.store.redactions import read_redactions, save_redactions

    terms = (save_redactions(ctx.store(), case_id, read_redaction_file(set_file)) if set_file
             else read_redactions(ctx.store(), case_id))
    lines = [f"{t.term} -> {t.replacement}" for t in terms] or ["The redaction list is empty."]
    if set_file:
        plural_s = "s" if len(terms) != 1 else ""
        lines.insert(0, f"Saved the redaction list of case {case_id}: {len(terms)} term{plural_s}.")
    emit(fmt, {"case_id": case_id, "terms": [t.as_dict() for t in terms]}, "\n".join(lines))


@cli.command("import-case")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--as", "as_id", help="store the case under this id instead of the one in the file")
@FORMAT
@click.pass_obj
def import_case_cmd(ctx: Context, file: Path, as_id: str | None, fmt: str) -> None:
    """Restore a whole case from its JSON document (see `causalmap export`)."""
    from causalmap import limits
    from causalmap.interchange.case_json import import_case

    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"{file}: cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{file}: not UTF-8 text (byte {exc.start})") from None
    doc = limits.loads(text, str(file))
    result = import_case(ctx.store(), doc, as_id=as_id)
    _audit(ctx, "case.change", case_id=result["case_id"], detail={"command": "import-case", "file": file.name})
    counts = ", ".join(f"{n} {plural(k, n)}" for k, n in result["created"].items())
    emit(fmt, result, f"Restored case {result['case_id']}: {counts}.")


# -- cases ---------------------------------------------------------------------------
@cli.command("cases")
@FORMAT
@click.pass_obj
def cases_cmd(ctx: Context, fmt: str) -> None:
    """List the cases."""
    from causalmap.store.cases import list_cases

    rows = list_cases(ctx.store())
    text = "\n".join(f"{r['id']:<24} {r['events']:>6} events  {r['first'] or '-'} to {r['last'] or '-'}  "
                     f"{r['title']}" for r in rows) or "No cases yet; load one with `causalmap import`."
    emit(fmt, rows, text)


@cli.group("case")
def case_group() -> None:
    """Show or delete one case."""


@case_group.command("show")
@click.argument("case_id")
@FORMAT
@click.pass_obj
def case_show(ctx: Context, case_id: str, fmt: str) -> None:
    """Counts by kind, the period covered and the agencies of CASE_ID."""
    from causalmap.store.cases import case_summary

    summary = case_summary(ctx.store(), case_id)
    case = summary["case"]
    lines = [f"{case['id']}: {case['title']}",
             f"  status {case['status']}, review kind {case['review_kind']}",
             f"  period {summary['period']['start'] or '-'} to {summary['period']['end'] or '-'}",
             "  " + ", ".join(f"{n} {plural(k, n)}" for k, n in summary["counts"].items()),
             f"  agencies ({len(summary['agencies'])}):"]
    lines += [f"    {a['name']} [{a['sector']}], {a['events']} events" for a in summary["agencies"]]
    emit(fmt, summary, "\n".join(lines))


@case_group.command("delete")
@click.argument("case_id")
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@FORMAT
@click.pass_obj
def case_delete(ctx: Context, case_id: str, yes: bool, fmt: str) -> None:
    """Delete CASE_ID and everything in it (asks first unless --yes)."""
    from causalmap.store.cases import delete_case, get_case

    store = ctx.store()
    get_case(store, case_id)
    confirm(yes, f"Delete case {case_id!r} and everything in it?",
            f"deleting case {case_id!r} needs confirmation; add --yes")
    removed = delete_case(store, case_id)
    _audit(ctx, "case.change", case_id=case_id, detail={"command": "case delete", "deleted_nodes": removed})
    emit(fmt, {"ok": True, "case_id": case_id, "deleted_nodes": removed},
         f"Deleted case {case_id} ({removed} nodes).")


# -- analysis ------------------------------------------------------------------------
@cli.command("analyse")
@click.argument("case_id")
@click.argument("which", default="all",
                type=click.Choice(["gaps", "knowledge", "causes", "checks", "patterns", "all"]))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--response-days", type=int, default=7, show_default=True,
              help="late_response: window for kinds the rules file does not name")
@click.option("--window-days", type=int, default=90, show_default=True, help="silent_pair: window length")
@click.option("--meeting-days", type=int, default=30, show_default=True,
              help="absent_from_meeting: activity this close to a meeting")
@click.option("--silence-days", type=int, default=90, show_default=True, help="agency_silent: longest silence")
@click.option("--strategy-days", type=int, default=None,
              help="no_strategy_discussion: window after an incident (default: the rules file, 2 days)")
@click.option("--closures", type=int, default=3, show_default=True, help="start_again: closures that make it")
@click.option("--missed-days", type=int, default=180, show_default=True,
              help="repeated_missed_appointments: span of three misses")
@click.option("--max-chain-length", type=int, default=8, show_default=True, help="causes: longest chain")
@click.option("--max-chains", type=int, default=50, show_default=True, help="causes: chains listed")
@click.option("--target", help="causes: event:ID or decision:ID (default: the outcome events)")
@click.option("--agency", help="knowledge: the agency id")
@click.option("--date", help="knowledge: the day, YYYY-MM-DD")
@click.option("--rules", "rules_file", type=click.Path(path_type=Path),
              help="protocol timeliness rules (default: CAUSALMAP_RULES, else the shipped rules)")
@click.option("--hide-low", is_flag=True, help="table only: leave out low-severity items")
@click.pass_obj
def analyse_cmd(ctx: Context, case_id: str, which: str, fmt: str, rules_file: Path | None, hide_low: bool,
                **options: Any) -> None:
    """Gaps between agencies, who knew what when, causal structure, quality checks and patterns.

    WHICH is gaps, knowledge, causes, checks, patterns or all (the default). Every item has
    a type, a severity, the agencies and events it rests on, its period and a plain-English
    explanation; the JSON keeps every item, most serious first.
    """
    from causalmap.analysis.report import Parameters
    from causalmap.case_analysis import analyse_case

    result = analyse_case(ctx.store(), case_id, which, Parameters(**options),
                          rules_file or ctx.settings.rules_file)
    if fmt == "json":
        emit("json", result, "")
    else:
        from causalmap.analysis.table import as_table

        click.echo(as_table(result, hide_low=hide_low))


@cli.command("query")
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="a parameter; VALUE is read as JSON when it can be (6, [\"referral\"]), else as text; "
                   "lists may also be given as a,b,c")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True,
              help="text for people, json for scripts, csv for spreadsheets")
@click.pass_obj
def query_cmd(ctx: Context, name: str | None, params: tuple[str, ...], fmt: str) -> None:
    """Run an analysts' named query across cases (structured fields only); without NAME, list them.

    Every query also takes the case filters cases, board, region, review_kind, from_year and
    to_year. Queries over the stored analysis first analyse any case changed since.
    """
    from causalmap.named_queries import csv_text, get_query, load_queries, parse_value, run_query, text_table

    if name is None:
        queries = load_queries()
        if fmt == "csv":
            raise UsageError("the list of queries comes as text or json")
        emit(fmt, [q.as_dict() for q in queries.values()],
             "\n".join(f"{q.name:<40} {q.title}" for q in queries.values()))
        return
    get_query(name)
    values = {}
    for pair in params:
        key, sep, raw = pair.partition("=")
        if not sep:
            raise UsageError(f"--param {pair!r}: use NAME=VALUE")
        values[key.strip()] = parse_value(raw)
    result = run_query(ctx.store(), name, values, timeout=ctx.settings.query_timeout,
                       rules_file=ctx.settings.rules_file)
    _audit(ctx, "query", target=name, detail={"parameters": values})
    if fmt == "csv":
        click.echo(csv_text(result), nl=False)
    else:
        emit(fmt, result, text_table(result))


@cli.command("synth")
@click.option("--cases", "n_cases", type=click.IntRange(1, 100000), default=10, show_default=True,
              help="how many cases")
@click.option("--events", type=click.IntRange(20, 100000), default=300, show_default=True,
              help="events per case, about")
@click.option("--seed", type=int, default=1, show_default=True, help="the same seed makes the same corpus")
@click.option("--prefix", default="synth", show_default=True, help="case ids are PREFIX-00000, PREFIX-00001, ...")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="also write each case document to this folder")
@click.option("--no-analyse", is_flag=True, help="do not store each case's analysis now (queries will, when run)")
@FORMAT
@click.pass_obj
def synth_cmd(ctx: Context, n_cases: int, events: int, seed: int, prefix: str, out_dir: Path | None,
              no_analyse: bool, fmt: str) -> None:
    """Write and load a synthetic corpus of fictional cases with planted cross-case patterns.

    Each case goes through the same import as `causalmap import-case`; an existing case of
    the same id is refused. The planted patterns are listed in docs/analysts.md.
    """
    import time

    from causalmap.case_analysis import analyse_case
    from causalmap.interchange.case_json import dumps, import_case
    from causalmap.samples.synthetic import case_id, synthetic_case
    from causalmap.store.cases import check_case_id

    check_case_id(case_id(prefix, 0))
    store = ctx.store()
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    load_s = analyse_s = 0.0
    for index in range(n_cases):
        doc = synthetic_case(prefix, index, events, seed)
        if out_dir:
            (out_dir / f"{doc['case']['id']}.json").write_text(dumps(doc), encoding="utf-8")
        started = time.perf_counter()
        import_case(store, doc)
        load_s += time.perf_counter() - started
        if not no_analyse:
            started = time.perf_counter()
            analyse_case(store, doc["case"]["id"], "all", None, ctx.settings.rules_file)
            analyse_s += time.perf_counter() - started
    result = {"ok": True, "cases": n_cases, "events_per_case": events, "seed": seed, "prefix": prefix,
              "load_seconds": round(load_s, 2), "analyse_seconds": round(analyse_s, 2)}
    emit(fmt, result, f"Loaded {n_cases} synthetic cases ({prefix}-00000 to {case_id(prefix, n_cases - 1)}) "
                      f"in {load_s:.1f} s" + ("" if no_analyse else f"; analysed them in {analyse_s:.1f} s") + ".")


# -- sample and settings -------------------------------------------------------------
@cli.group()
def sample() -> None:
    """The fictional sample case shipped with causalmap."""


@sample.command("load")
@click.option("--as", "as_id", help="case id to load it as")
@click.option("--replace", is_flag=True, help="delete an existing case of that id first")
@FORMAT
@click.pass_obj
def sample_load(ctx: Context, as_id: str | None, replace: bool, fmt: str) -> None:
    """Load the sample case (skipped when it is already there, unless --replace)."""
    from causalmap.interchange.case_json import import_case
    from causalmap.samples import SAMPLE_CASE_ID, sample_document
    from causalmap.store.cases import case_exists, delete_case

    store = ctx.store()
    case_id = as_id or SAMPLE_CASE_ID
    if case_exists(store, case_id):
        if not replace:
            emit(fmt, {"ok": True, "case_id": case_id, "loaded": False},
                 f"The sample case {case_id} is already loaded (use --replace to load it afresh).")
            return
        delete_case(store, case_id)
    result = import_case(store, sample_document(), as_id=case_id)
    _audit(ctx, "case.change", case_id=case_id, detail={"command": "sample load"})
    emit(fmt, {**result, "loaded": True}, f"Loaded the sample case {case_id}.")


@cli.command("settings")
@FORMAT
def settings_cmd(fmt: str) -> None:
    """List every setting, its default and what it is for."""
    rows = [{"name": s.name, "default": s.default, "help": s.help} for s in SETTINGS]
    emit(fmt, rows, "\n".join(f"{s.name:<30} {s.default or '(unset)':<20} {s.help}" for s in SETTINGS))


@cli.command("serve")
@click.option("--host", help="address to listen on (default CAUSALMAP_HOST, 127.0.0.1)")
@click.option("--port", type=int, help="port (default CAUSALMAP_PORT, 5000)")
@click.option("--workers", type=click.IntRange(min=1), help="gunicorn worker processes (default: one per core)")
@click.option("--dev", is_flag=True, help="Werkzeug's development server with the reloader, not gunicorn")
@click.option("--login-link/--no-login-link", default=True, show_default=True,
              help="print a one-time login link for the local administrator (made, without a password, "
                   "when there is none)")
@click.pass_obj
def serve_cmd(ctx: Context, host: str | None, port: int | None, workers: int | None, dev: bool,
              login_link: bool) -> None:
    """Serve the web UI and the JSON API with gunicorn (loopback only unless you say otherwise)."""
    from causalmap.accounts.cli import serve_login_link
    from causalmap.web.server import default_workers, run_development, run_production

    ctx.store()  # connect (starting the local Neo4j) now, so a problem is one clear line
    host = host or ctx.settings.host
    port = port or ctx.settings.port
    link = serve_login_link(ctx, host, port) if login_link else None
    ctx.close()  # each worker opens its own connection after the fork
    if dev:
        click.echo(f"causalmap (development server, reloading) at http://{host}:{port}/ (Ctrl+C to stop)",
                   err=True)
    else:
        workers = workers or default_workers()
        click.echo(f"causalmap is serving at http://{host}:{port}/ with gunicorn, {workers} worker"
                   f"{'s' if workers != 1 else ''} (Ctrl+C to stop)", err=True)
    if link:
        click.echo(f"Sign in once with (valid 15 minutes, works once): {link}", err=True)
    if dev:
        run_development(host, port)
    else:
        run_production(host, port, workers)


from causalmap.accounts.cli import COMMANDS as ADMIN_COMMANDS  # noqa: E402  (user, audit, backup, restore)

for _command in ADMIN_COMMANDS:
    cli.add_command(_command)


# -- entry point ---------------------------------------------------------------------
def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"causalmap: error: {message}", err=True)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, translating every error into one clear line and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    if not debug:  # the driver logs each retry as a warning; the user gets one line below instead
        logging.getLogger("neo4j").setLevel(logging.CRITICAL)
    wants_json = any(a in ("--format=json",) for a in args) or any(
        a == "--format" and i + 1 < len(args) and args[i + 1] == "json" for i, a in enumerate(args))
    try:
        cli.main(args=args, prog_name="causalmap", standalone_mode=False)
    except click.exceptions.Abort:
        _fail("aborted; nothing was changed", 1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except InvalidInput as exc:
        if debug:
            traceback.print_exc()
        if wants_json:
            click.echo(json.dumps({"ok": False, "message": exc.summary,
                                   "errors": [e.as_dict() for e in exc.errors]}, indent=2, ensure_ascii=False))
            sys.exit(exc.exit_code)
        click.echo(f"causalmap: error: {exc.summary}", err=True)
        for error in exc.errors:
            click.echo(f"  {error}", err=True)
        sys.exit(exc.exit_code)
    except CausalmapError as exc:
        if debug:
            traceback.print_exc()
        _fail(str(exc), exc.exit_code)
    except (ServiceUnavailable, SessionExpired) as exc:
        if debug:
            traceback.print_exc()
        _fail(str(DatabaseUnavailable(f"lost the connection to Neo4j ({one_line(exc)}); check that it runs "
                                      "(`causalmap db status`) and try again")), 1)
    except Neo4jError as exc:
        if debug:
            traceback.print_exc()
        _fail(f"Neo4j refused the request ({exc.code}): {exc.message}", 1)
    except Exception as exc:  # the last guard: never a traceback unless asked
        if debug:
            traceback.print_exc()
        _fail(f"unexpected {exc.__class__.__name__}: {exc} (rerun with --debug for details)", 1)


if __name__ == "__main__":
    main()
