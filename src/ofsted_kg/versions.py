"""The pipeline version a build records for every report: what decides whether a report built
earlier is still what this code would build.

It is made of three parts, each changed where the change is made:
- the package version (`ofsted_kg.__version__`): raise it for a change to the shared steps
  (cleaning, the shared parsers, RDF, inference, linking) that changes what is built;
- each report family's extractor version (`EXTRACTOR_VERSION` in its module): raise it for a
  change to that family's output;
- a hash of the resources the graphs are built and checked against (ontology and vocabulary,
  shapes, reference data), computed, since those files change without a code change.

Editing code that does not change what is built (a docstring, the CLI, the web layer) changes
none of them, so it rebuilds nothing.
"""

from __future__ import annotations

from . import __version__, resources
from .extract import ilacs, lac2013, letters, sif

EXTRACTOR_VERSIONS: dict[str, int] = {
    "ilacs": ilacs.EXTRACTOR_VERSION,
    "lac2013": lac2013.EXTRACTOR_VERSION,
    "letters": letters.EXTRACTOR_VERSION,
    "sif": sif.EXTRACTOR_VERSION,
}


def pipeline_version() -> str:
    """e.g. `0.1.0 ilacs:1 lac2013:1 letters:1 sif:1 resources:0123456789abcdef`."""
    families = " ".join(f"{name}:{version}" for name, version in sorted(EXTRACTOR_VERSIONS.items()))
    return f"{__version__} {families} resources:{resources.fingerprint()}"
