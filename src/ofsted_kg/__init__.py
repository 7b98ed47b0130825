"""ofsted-kg: a knowledge graph of Ofsted's inspections of English children's services."""

from .extract import extract

__all__ = ["extract"]
__version__ = "0.1.0"
