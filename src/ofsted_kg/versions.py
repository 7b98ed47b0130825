"""The pipeline version a build records for every report: what decides whether a report built
earlier is still what this code would build.

It is made of three parts, each changed where the change is made:
- the package version (`ofsted_kg.__version__`): raise it for a change to the shared steps
  (cleaning, the shared parsers, RDF, inference, linking) that changes what is built;
- each report family's extractor version (`ReportFamily.extractor_version`, the package's
  families take `EXTRACTOR_VERSION` of their extractor's module): raise it for a change to that
  family's output;
- a hash of the resources the graphs are built and checked against (ontology and vocabulary,
  shapes, reference data), computed, since those files change without a code change.

Editing code that does not change what is built (a docstring, the CLI, the web layer) changes
none of them, so it rebuilds nothing.
"""

from __future__ import annotations

from . import __version__, resources
from .families import registered


def extractor_versions() -> dict[str, int]:
    """Each registered report family's extractor version, by kind."""
    return {str(family.kind): family.extractor_version for family in registered()}


def pipeline_version() -> str:
    """e.g. `0.1.0 annual_unannounced:1 focused_visit:1 ... sif:1 resources:0123456789abcdef`."""
    families = " ".join(
        f"{kind}:{version}" for kind, version in sorted(extractor_versions().items())
    )
    return f"{__version__} {families} resources:{resources.fingerprint()}"
