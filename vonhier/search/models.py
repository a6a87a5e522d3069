"""The search index: one row per indexed object (a product, an organisation, later an outlet).

`search_documents` is an ordinary table in the metadata (so the tests empty it like any other).
What makes it searchable depends on the database and is created by the migration only, outside
the models (see `schema.py`, which also tells Alembic to leave those objects alone):

- SQLite: two FTS5 tables with external content, kept in step by triggers on `search_documents`:
  `search_words` (unicode61, word prefixes) and `search_trigrams` (trigram, substrings).
- PostgreSQL: a generated `tsv` column (`to_tsvector('german', …)`) with a GIN index, and a
  `pg_trgm` GIN index on `body` for substrings.
"""

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class SearchDocument(db.Model):
    __tablename__ = "search_documents"
    __table_args__ = (UniqueConstraint("kind", "ref_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "product", "organisation", "outlet"
    ref_id: Mapped[int]  # the id of the object in its own table (no foreign key: any kind)
    # Folded text (lower case, no diacritics, ß → ss): `title` holds the names, `body` everything
    # including the names.
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
