"""Linked-data pages: every URI minted under the base dereferences here.

- `/id/...` (things) answers 303 See Other to `/doc/...`, the document about the thing (UK
  public-sector URI guidance);
- `/doc/...` and `/def/ofsted/...` serve HTML to browsers and Turtle, JSON-LD, N-Triples or
  RDF/XML by Accept or by extension (`.ttl .jsonld .nt .rdf`);
- `/` is the home page: search, entry points, downloads; `/search`, `/search.json`,
  `/authorities`, `/inspectors`, `/inspections` (tables: `?sort=`, facets, `?format=csv`),
  `/current` (`.csv`), `/download/graph.EXT` complete it.
"""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from rdflib.namespace import OWL

from ... import export as exporter
from ...formats import EXPORT_FORMATS, media_type_of
from ...ontology import SCHEMA
from ..downloads import build_date, count_download, human_size, with_sizes
from ..formats import HTML, choose
from ..pool import DownloadJob, QueryError, QueryPool
from ..services import services
from ..source_docs import evidence_view
from .charts import Distribution, grade_distribution, grade_timeline
from .current import coverage, current_csv_text, current_view, neighbours_of
from .data import ask, curie, page_sparql, uris
from .generation import per_generation
from .index import (
    AUTHORITIES,
    INSPECTIONS,
    INSPECTORS,
    LIST_LABELS,
    SEARCH_LIMIT,
    authority_rows,
    by_code,
    grade_counts,
    inspection_rows,
    inspector_rows,
    search,
    search_texts,
)
from .paths import canonical, split_extension, topic_of, uri_of
from .rdf import RDF_FORMATS, RDF_TYPES, serialize
from .tables import Table, respond, table_view
from .titles import resource_title
from .views import (
    InspectionRow,
    authority_view,
    facts,
    incoming,
    incoming_page,
    inspection_view,
    inspections_where,
    ontology_view,
    person_view,
    quotes,
)

bp = Blueprint("pages", __name__)

# Whole-graph downloads: extension -> (export.py format, media type).
DOWNLOADS = {fmt.file_extension: (key, media_type_of(fmt)) for key, fmt in EXPORT_FORMATS.items()}


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        abort(400, "page must be a whole number")


# ------------------------------------------------------------------ dereferencing


@bp.route("/id/<path:rest>")
def thing(rest: str) -> Response:
    """A thing is not a document: See Other its description."""
    response = redirect(f"{request.script_root}/doc/{canonical(rest)}", code=303)
    response.headers["Vary"] = "Accept"
    return response


@bp.route("/doc/<path:rest>")
def document(rest: str) -> Response:
    path, media_type = split_extension(f"doc/{rest}")
    return _resource(topic_of(path), path, media_type)


@bp.route("/def/ofsted/", defaults={"rest": ""})
@bp.route("/def/ofsted/<path:rest>")
def term(rest: str) -> Response:
    path, media_type = split_extension(f"def/ofsted/{rest}")
    if path == "def/ofsted/index":  # the ontology as a file: /def/ofsted/index.ttl
        path = "def/ofsted/"
    return _resource(uri_of(path), path, media_type)


def _resource(topic: str, path: str, media_type: str | None) -> Response:
    wanted = media_type or choose(request.headers.get("Accept"), (HTML, *RDF_TYPES)) or HTML
    if not ask(page_sparql("resource-exists", {"topic": topic})):
        abort(404, f"nothing is known about {topic}")
    local = f"{request.script_root}/{canonical(path) if path != 'def/ofsted/' else path}"
    file_stem = local + "index" if local.endswith("/") else local
    alternates = [
        (fmt.name, t, f"{file_stem}.{fmt.file_extension}") for t, fmt in RDF_FORMATS.items()
    ]
    document = uris().base + (canonical(path) if path != "def/ofsted/" else path)
    if wanted == HTML:
        body = _html(topic, document, alternates)
    else:
        body = serialize(topic, document, wanted)
    response = Response(body, content_type=f"{wanted}; charset=utf-8")
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = ", ".join(
        f'<{url}>; rel="alternate"; type="{t}"' for _, t, url in alternates
    )
    return response


def _html(topic: str, document: str, alternates: list) -> str:
    rev = request.args.get("rev")
    if rev:  # one page of the resources linking here by one property
        section = incoming_page(topic, rev, _page_number())
        _, _, label = facts(topic)
        return render_template(
            "pages_incoming.html", topic=topic, label=label, section=section, alternates=alternates
        )
    found, types, label = facts(topic)
    type_uris = {t.uri for t in types}
    T = uris().term
    # Titled in words, not by the path of its URI (nor by the whole text of a recommendation).
    if label == curie(topic) or type_uris & {str(T("Recommendation")), str(T("Finding"))}:
        label = resource_title(topic) or label
    kind, context = None, {}
    if str(T("LocalAuthority")) in type_uris:
        kind, context = "authority", authority_view(topic)
        context["timeline"] = grade_timeline(context["inspections"])
        context["neighbours"] = neighbours_of(topic)
    elif str(T("Inspection")) in type_uris:
        kind, context = "inspection", inspection_view(topic)
    elif str(SCHEMA.Person) in type_uris:
        kind, context = "person", person_view(topic)
    elif str(OWL.Ontology) in type_uris:
        kind, context = "ontology", ontology_view()
    elif str(T("Evidence")) in type_uris:
        kind, context = "evidence", evidence_view(topic)
    return render_template(
        "pages_resource.html",
        topic=topic,
        document=document,
        label=label,
        types=types,
        facts=found,
        quotes=quotes(topic),
        incoming=incoming(topic),
        alternates=alternates,
        kind=kind,
        view=context,
    )


# ------------------------------------------------------------------ home and entry points


DOWNLOAD_NAMES = {"ttl": "Turtle", "nt": "N-Triples", "nq": "N-Quads", "trig": "TriG"}
DOWNLOAD_NAMES["jsonld"] = "JSON-LD"


def _offered_downloads() -> list[tuple[str, str, str]]:
    """(name, URL, media type) of each download the home page offers."""
    offered = [
        (DOWNLOAD_NAMES[ext], url_for("pages.download", ext=ext), media_type)
        for ext, (_, media_type) in DOWNLOADS.items()
    ]
    if "named" in current_app.blueprints:
        summary = url_for("named.run", name="inspection-summary", format="csv")
        offered.append(("Inspection summary (CSV)", summary, "text/csv"))
    return offered


@bp.after_app_request
def _count_download(response: Response) -> Response:
    return count_download(response, [url for _, url, _ in _offered_downloads()])


def _home_data() -> tuple[list[InspectionRow], Distribution | None]:
    """The latest inspections and the grade distribution: the same for a store generation."""
    return inspections_where(limit=10), grade_distribution(grade_counts())


@bp.route("/")
def home() -> Response:
    downloads = with_sizes(_offered_downloads())
    # Made once per generation (about 1 s of queries on the national graph): the page itself is
    # not kept while a download's size is unknown, and is then made again on every request.
    latest, distribution = per_generation("home", _home_data)
    response = Response(
        render_template(
            "pages_home.html",
            latest=latest,
            distribution=distribution,
            downloads=downloads,
            built=build_date(),
            human_size=human_size,
        )
    )
    if any(download.size is None for download in downloads):
        # A size is learnt when its download is first served: until all are, the page changes
        # within a store generation, so neither the response cache nor a client may keep it.
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/search")
def search_page() -> Response:
    q = request.args.get("q", "")
    codes = by_code(q) if q else []
    if len(codes) == 1:  # a URN, DfE or GSS code names one authority: go straight to it
        return redirect(codes[0].href, code=303)
    return Response(
        render_template(
            "pages_search.html",
            q=q,
            hits=codes + (search(q) if q else []),
            passages=search_texts(q) if q else [],
            list_labels=LIST_LABELS,
            limit=SEARCH_LIMIT,
        )
    )


@bp.route("/search.json")
def search_json() -> Response:
    q = request.args.get("q", "")
    hits = (by_code(q) + search(q))[:20]
    return jsonify(
        [
            {"name": h.name, "kind": h.kind, "uri": h.uri, "page": h.href, "matched": h.matched}
            for h in hits
        ]
    )


def _list(table: Table, rows: list[dict], title: str) -> Response:
    view = table_view(table, rows)
    return respond(
        view,
        lambda v: render_template("pages_list.html", view=v, title=title, coverage=coverage()),
    )


@bp.route("/authorities")
def authority_list() -> Response:
    return _list(AUTHORITIES, authority_rows(), "Local authorities")


@bp.route("/inspectors")
def inspector_list() -> Response:
    return _list(INSPECTORS, inspector_rows(), "Inspectors")


@bp.route("/inspections")
def inspection_list() -> Response:
    return _list(INSPECTIONS, inspection_rows(), "Inspections")


@bp.route("/current")
def current() -> Response:
    return Response(render_template("pages_current.html", view=current_view()))


@bp.route("/current.csv")
def current_csv() -> Response:
    response = Response(current_csv_text(current_view()), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="current-judgements.csv"'
    return response


@bp.route("/download/graph.<ext>")
def download(ext: str) -> Response:
    if ext not in DOWNLOADS:
        abort(404, f"no download graph.{ext}; formats: {', '.join(DOWNLOADS)}")
    fmt, media_type = DOWNLOADS[ext]
    runner = services().runner
    if request.method == "HEAD":
        # A GET's headers, without making the dataset only to drop it (and replace the worker).
        response = Response(content_type=media_type)
    elif isinstance(runner, QueryPool):
        # Streamed from a query worker, from the generation the pages read, in bounded memory.
        job = DownloadJob(fmt, exporter.project_prefixes(uris()))
        try:
            response = Response(runner.stream(job), content_type=media_type)
        except QueryError as exc:
            abort(exc.status, exc.message)
    else:
        out = io.BytesIO()
        exporter.export(services().store, fmt, out, uris())
        response = Response(out.getvalue(), content_type=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="ofsted-kg.{ext}"'
    return response
