"""The database-specific parts of the search index, created by the migration and hidden from
Alembic's comparison of models and database (`flask db check`, `tests/test_migrations.py`).

Copied into the migration rather than imported from it where it matters: a migration must not
change when the application does. These names are what `include_name` filters out.
"""

# SQLite: FTS5 tables and their shadow tables (search_words_data, _idx, _docsize, _config, …).
FTS_TABLE_PREFIXES = ("search_words", "search_trigrams")
# PostgreSQL: the generated tsvector column and the two GIN indexes.
PG_COLUMNS = {("search_documents", "tsv")}
PG_INDEXES = {"ix_search_documents_tsv", "ix_search_documents_body_trgm"}


def include_name(name, type_, parent_names) -> bool:
    """Alembic hook: skip reflected search-index objects that the models do not describe."""
    if type_ == "table":
        return not (name or "").startswith(FTS_TABLE_PREFIXES)
    if type_ == "column":
        return (parent_names.get("table_name"), name) not in PG_COLUMNS
    if type_ == "index":
        return name not in PG_INDEXES
    return True
