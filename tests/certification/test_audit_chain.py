"""The hash chain over certification decisions detects tampering in the database."""

from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from vonhier.certification import audit
from vonhier.certification.models import AuditRecord
from vonhier.extensions import db

from .test_workflow import approved_certificate


def test_chain_is_intact_after_a_workflow(app, scene):
    approved_certificate(app, scene)
    result = app.test_cli_runner().invoke(args=["certification", "verify-log"])
    assert result.exit_code == 0 and "OK" in result.output
    with app.app_context():
        records = db.session.scalars(select(AuditRecord).order_by(AuditRecord.id)).all()
        assert [r.action for r in records][:7] == [
            "create",
            "submit",
            "take",
            "check_evidence",
            "check_evidence",
            "approve",
            "issue",
        ]
        assert records[0].prev_hash == audit.GENESIS
        assert all(
            later.prev_hash == earlier.hash for earlier, later in zip(records, records[1:], strict=False)
        )
        assert records[1].data_hash  # the frozen product data the submission saw


def test_a_modified_record_is_reported_as_the_first_broken_link(app, scene):
    approved_certificate(app, scene)
    with app.app_context():
        records = db.session.scalars(select(AuditRecord.id).order_by(AuditRecord.id)).all()
        victim = records[2]
        # Tampering straight in the database, past the application's append-only guard.
        with db.engine.begin() as connection:
            connection.execute(
                update(AuditRecord.__table__)
                .where(AuditRecord.__table__.c.id == victim)
                .values(reason="nachträglich geändert")
            )
    result = app.test_cli_runner().invoke(args=["certification", "verify-log"])
    assert result.exit_code == 1
    assert f"BROKEN at audit record {victim}" in result.output


def tamper(record_id, **values):
    """Change a record straight in the database, past the application's append-only guard."""
    with db.engine.begin() as connection:
        connection.execute(
            update(AuditRecord.__table__).where(AuditRecord.__table__.c.id == record_id).values(**values)
        )


# Every column that goes into a link's hash, and the stored hashes themselves, each changed alone.
TAMPERED = {
    "created_at": lambda r, scene: r.created_at + timedelta(seconds=1),
    "actor_id": lambda r, scene: scene.owner.id,
    "actor_name": lambda r, scene: "Hanna Bauer",
    "subject_type": lambda r, scene: "certificate",
    "subject_id": lambda r, scene: r.subject_id + 1,
    "action": lambda r, scene: "reject",
    "from_state": lambda r, scene: "draft",
    "to_state": lambda r, scene: "approved",
    "reason": lambda r, scene: "nachträglich geändert",
    "data_hash": lambda r, scene: "0" * 64,
    "prev_hash": lambda r, scene: "1" * 64,
    "hash": lambda r, scene: "2" * 64,
}


@pytest.mark.parametrize("field", TAMPERED)
def test_changing_any_hashed_field_is_the_first_broken_link(app, scene, field):
    approved_certificate(app, scene)
    with app.app_context():
        records = db.session.scalars(select(AuditRecord).order_by(AuditRecord.id)).all()
        victim = records[2]
        assert audit.verify_chain() is None
        tamper(victim.id, **{field: TAMPERED[field](victim, scene)})
    with app.app_context():  # a fresh session reads what is now in the database
        assert audit.verify_chain().id == victim.id


def test_re_ordered_records_break_the_chain(app, scene):
    """Two links swapped, each with its own intact hash: the first of the two positions is reported."""
    approved_certificate(app, scene)
    columns = [c for c in AuditRecord.__table__.columns if c.name != "id"]
    with app.app_context():
        first, second = db.session.scalars(select(AuditRecord.id).order_by(AuditRecord.id)).all()[1:3]
        with db.engine.connect() as connection:
            rows = {
                row.id: {c.name: getattr(row, c.name) for c in columns}
                for row in connection.execute(
                    select(AuditRecord.__table__).where(AuditRecord.__table__.c.id.in_([first, second]))
                )
            }
        tamper(first, **{**rows[second], "hash": "swap"})  # the hashes are unique: swap via a placeholder
        tamper(second, **rows[first])
        tamper(first, hash=rows[second]["hash"])
    with app.app_context():
        assert audit.verify_chain().id == first


def test_a_deleted_record_breaks_the_chain(app, scene):
    approved_certificate(app, scene)
    with app.app_context():
        victim = db.session.scalars(select(AuditRecord.id).order_by(AuditRecord.id)).all()[1]
        with db.engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_records WHERE id = :id"), {"id": victim})
        assert audit.verify_chain().id == victim + 1


def test_records_cannot_be_changed_through_the_application(app, scene):
    import pytest

    approved_certificate(app, scene)
    with app.app_context():
        record = db.session.scalar(select(AuditRecord))
        record.reason = "anders"
        with pytest.raises(PermissionError):
            db.session.flush()
        db.session.rollback()
