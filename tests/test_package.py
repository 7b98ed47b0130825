"""The package as users install it: a wheel that works outside the checkout, optional
dependencies that only the commands needing them import, and the pipeline version's parts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO, SEEDS_DIR
from test_serve_cli import serve_process

import ofsted_kg
from ofsted_kg import resources
from ofsted_kg.versions import extractor_versions, pipeline_version
from ofsted_kg.vocab import ReportKind

OPTIONAL_MODULES = ("flask", "waitress", "SPARQLWrapper")
# What the wheel is not built from (working state, not sources).
UNPACKAGED = (
    ".git",
    ".venv",
    "build",
    "var",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    ".hypothesis",  # hypothesis's example database, written meanwhile by another xdist worker
    "test-artifacts",
)


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 300):
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{command}: {done.stderr[-2000:]}"
    return done


def test_pipeline_version_is_package_families_and_resources() -> None:
    families = [f"{kind}:{version}" for kind, version in sorted(extractor_versions().items())]
    assert pipeline_version().split() == [
        ofsted_kg.__version__,
        *families,
        f"resources:{resources.fingerprint()}",
    ]
    assert set(extractor_versions()) == set(ReportKind)


def test_every_resource_is_a_file_of_the_repository_folders() -> None:
    """The packaged resources are the repository's folders, whatever the install."""
    for name, suffix in (
        ("ontology", ".ttl"),
        ("shapes", ".ttl"),
        ("queries", ".rq"),
        ("queries/pages", ".rq"),
    ):
        top, *sub = name.split("/")
        packaged = {
            f.name: f.read_bytes()
            for f in resources.files_in(resources.folder(top).joinpath(*sub), suffix)
        }
        on_disk = {p.name: p.read_bytes() for p in (REPO / name).glob(f"*{suffix}")}
        assert packaged == on_disk and packaged, name


def test_extract_build_and_query_run_without_the_optional_dependencies(tmp_path: Path) -> None:
    """With flask, waitress and SPARQLWrapper unimportable, the offline commands still work and
    the commands needing them say which extra to install."""
    script = f"""
import sys
for name in {OPTIONAL_MODULES!r}:
    sys.modules[name] = None  # importing it now raises ModuleNotFoundError
from ofsted_kg.cli import main
seed = sorted({str(SEEDS_DIR)!r} + "/" + n for n in __import__("os").listdir({str(SEEDS_DIR)!r}))[0]
store = {str(tmp_path / "store")!r}
codes = [
    main(["extract", seed, "--format", "jsonl"]),
    main(["build", {str(SEEDS_DIR)!r}, "--store", store, "--workers", "1"]),
    main(["query", "inspector-history", "--store", store, "--format", "csv"]),
    main(["serve", "--store", store, "--port", "0"]),
]
print("CODES", codes)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert "CODES [0, 0, 0, 1]" in done.stdout, done.stderr[-2000:]
    assert "pip install 'ofsted-kg[serve]'" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from the checkout, installed into a fresh venv outside it.

    The venv sees this test environment's site-packages for the dependencies only (a .pth file;
    its .pth files, among them the editable install's, are not run), so nothing is downloaded.
    """
    work = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools stages a build in build/ beside the sources, and a stale
    # staging folder in the checkout would put files no longer in it into the wheel.
    source = work / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*UNPACKAGED))
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(work / "dist"),
            str(source),
        ],
        cwd=work,
    )
    (wheel,) = (work / "dist").glob("ofsted_kg-*.whl")
    venv = work / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=work)
    python = venv / "bin" / "python"
    site = run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=work
    ).stdout.strip()
    (Path(site) / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed", str(wheel)],
        cwd=work,
    )
    return venv


def outside_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "OFSTED_KG_BASE")}


@pytest.mark.slow
def test_the_wheel_extracts_builds_queries_and_serves_outside_the_checkout(
    installed: Path, tmp_path: Path
) -> None:
    bin_dir = installed / "bin"
    env = outside_env()
    located = run(
        [
            str(bin_dir / "python"),
            "-c",
            "import ofsted_kg, ofsted_kg.versions as v; print(ofsted_kg.__file__); "
            "print(v.pipeline_version())",
        ],
        cwd=tmp_path,
        env=env,
    ).stdout.splitlines()
    assert Path(located[0]).is_relative_to(installed), located
    assert located[1] == pipeline_version()  # the same resources, read from the wheel

    command = str(bin_dir / "ofsted-kg")
    extracted = json.loads(run([command, "extract", str(SEEDS_DIR)], tmp_path, env).stdout)
    assert len(extracted) == len(list(SEEDS_DIR.iterdir()))
    store = tmp_path / "store"
    run([command, "build", str(SEEDS_DIR), "--store", str(store)], tmp_path, env)
    rows = run(
        [command, "query", "inspector-history", "--store", str(store), "--format", "csv"],
        tmp_path,
        env,
    ).stdout.splitlines()
    assert len(rows) > 1

    with serve_process([command], store, cwd=tmp_path, env=env) as url:
        with urllib.request.urlopen(f"{url}/queries/inspector-history?format=csv") as response:
            served = response.read().decode().splitlines()
        with urllib.request.urlopen(f"{url}/") as response:
            assert response.status == 200 and b"<html" in response.read().lower()
    assert sorted(served[1:]) == sorted(rows[1:]) and served[0] == rows[0]
