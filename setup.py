"""The package lives in src/; its resource folders stay at the top of the repository, where they
are edited as documents, and are shipped inside the package (see src/ofsted_kg/resources).
Everything else about the package is in pyproject.toml."""

from setuptools import find_namespace_packages, setup

RESOURCE_PACKAGES = {
    "ofsted_kg.resources.ontology": "ontology",
    "ofsted_kg.resources.shapes": "shapes",
    "ofsted_kg.resources.queries": "queries",
}

setup(
    packages=[*find_namespace_packages("src"), *RESOURCE_PACKAGES],
    package_dir={"": "src", **RESOURCE_PACKAGES},
)
