"""The package's resource files: the ontology, the SHACL shapes and the named queries.

They are kept at the top of the repository (`ontology/`, `shapes/`, `queries/`), where they are
read and edited as documents, and are shipped as the sub-packages `ofsted_kg.resources.ontology`,
`.shapes` and `.queries` (setup.py maps each folder to its package). Every reader goes through
this module and `importlib.resources`, so a wheel installed anywhere and an editable checkout
read the same files.
"""

from __future__ import annotations

import hashlib
from importlib.resources import files
from importlib.resources.abc import Traversable

ONTOLOGY = "ontology"
SHAPES = "shapes"
QUERIES = "queries"


def folder(name: str) -> Traversable:
    """One resource folder: ONTOLOGY, SHAPES or QUERIES."""
    return files(f"{__name__}.{name}")


def files_in(directory: Traversable, suffix: str) -> list[Traversable]:
    """The files of `directory` whose names end in `suffix`, by name."""
    found = (f for f in directory.iterdir() if f.is_file() and f.name.endswith(suffix))
    return sorted(found, key=lambda f: f.name)


def ontology_file(file_name: str) -> Traversable:
    return folder(ONTOLOGY) / file_name


def shape_files() -> list[Traversable]:
    return files_in(folder(SHAPES), ".ttl")


def query_files() -> list[Traversable]:
    return files_in(folder(QUERIES), ".rq")


def fingerprint() -> str:
    """A hash of the resources that shape a built graph: the ontology and vocabulary files, the
    shapes and the package's data files (reference data, the given names extraction reads). The
    queries only read the graph, so they are left out."""
    digest = hashlib.sha256()
    for group, items in (
        (ONTOLOGY, files_in(folder(ONTOLOGY), ".ttl")),
        (SHAPES, shape_files()),
        ("data", files_in(files("ofsted_kg") / "data", "")),
    ):
        for item in items:
            digest.update(f"{group}/{item.name}\n".encode())
            digest.update(item.read_bytes())
    return digest.hexdigest()[:16]
