"""The hash chain over certification decisions detects tampering in the database."""

from sqlalchemy import select, text, update

from vonhier.certification import services
from vonhier.certification.models import AuditRecord
from vonhier.extensions import db

from .test_workflow import approved_certificate


def test_chain_is_intact_after_a_workflow(app, scene):
    approved_certificate(app, scene)
    result = app.test_cli_runner().invoke(args=["certification", "verify-log"])
    assert result.exit_code == 0 and "OK" in result.output
    with app.app_context():
        records = db.session.scalars(select(AuditRecord).order_by(AuditRecord.id)).all()
        assert [r.action for r in records][:5] == ["create", "submit", "take", "approve", "issue"]
        assert records[0].prev_hash == services.GENESIS
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


def test_a_deleted_record_breaks_the_chain(app, scene):
    approved_certificate(app, scene)
    with app.app_context():
        victim = db.session.scalars(select(AuditRecord.id).order_by(AuditRecord.id)).all()[1]
        with db.engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_records WHERE id = :id"), {"id": victim})
        assert services.verify_chain().id == victim + 1


def test_records_cannot_be_changed_through_the_application(app, scene):
    import pytest

    approved_certificate(app, scene)
    with app.app_context():
        record = db.session.scalar(select(AuditRecord))
        record.reason = "anders"
        with pytest.raises(PermissionError):
            db.session.flush()
        db.session.rollback()
