"""search index: search_documents, plus FTS5 tables (SQLite) or tsvector and pg_trgm (PostgreSQL)

Revision ID: cbd90a426281
Revises: ee02383d6153
Create Date: 2026-12-03 12:29:24.474327

The database-specific objects are not in the models; vonhier/search/schema.py names them so that
Alembic's comparison ignores them. On SQLite, a later batch migration that copies
search_documents would lose its triggers: such a migration must create them again.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cbd90a426281'
down_revision = 'ee02383d6153'
branch_labels = None
depends_on = None

SQLITE = [
    # External content: the text is stored once, in search_documents; the triggers keep both indexes
    # in step with every insert, update and delete there.
    """CREATE VIRTUAL TABLE search_words USING fts5(
        body, content='search_documents', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2')""",
    """CREATE VIRTUAL TABLE search_trigrams USING fts5(
        body, content='search_documents', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN
        INSERT INTO search_words(rowid, body) VALUES (new.id, new.body);
        INSERT INTO search_trigrams(rowid, body) VALUES (new.id, new.body);
    END""",
    """CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN
        INSERT INTO search_words(search_words, rowid, body) VALUES ('delete', old.id, old.body);
        INSERT INTO search_trigrams(search_trigrams, rowid, body) VALUES ('delete', old.id, old.body);
    END""",
    """CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN
        INSERT INTO search_words(search_words, rowid, body) VALUES ('delete', old.id, old.body);
        INSERT INTO search_trigrams(search_trigrams, rowid, body) VALUES ('delete', old.id, old.body);
        INSERT INTO search_words(rowid, body) VALUES (new.id, new.body);
        INSERT INTO search_trigrams(rowid, body) VALUES (new.id, new.body);
    END""",
]

POSTGRESQL = [
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """ALTER TABLE search_documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('german'::regconfig, title), 'A') || to_tsvector('german'::regconfig, body)
    ) STORED""",
    "CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)",
    "CREATE INDEX ix_search_documents_body_trgm ON search_documents USING gin (body gin_trgm_ops)",
]


def upgrade():
    op.create_table('search_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.CheckConstraint('length(kind) <= 20', name=op.f('ck_search_documents_kind_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
    sa.UniqueConstraint('kind', 'ref_id', name=op.f('uq_search_documents_kind_ref_id'))
    )
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(dialect, []):
        op.execute(statement)
    # Existing data is indexed by `flask search reindex` (the migration does not import the app).


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("search_documents_ai", "search_documents_ad", "search_documents_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_words")
        op.execute("DROP TABLE IF EXISTS search_trigrams")
    # The tsvector column and the indexes go with the table; pg_trgm stays (others may use it).
    op.drop_table('search_documents')
