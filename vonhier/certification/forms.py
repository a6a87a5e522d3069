"""Forms of the certification workflow."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..clock import utcnow
from ..forms import Form, IntegerField
from . import rules
from .names import AUDIT_MODE


class ApplicationForm(Form):
    products = SelectMultipleField(
        _l("Products"),
        coerce=int,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validators=[DataRequired(message=_l("Please choose at least one product."))],
    )


class EvidenceForm(Form):
    kind = SelectField(_l("Kind of document"), choices=[])
    file = FileField(
        _l("File (PDF, JPEG or PNG, at most 10 MB)"),
        validators=[DataRequired(message=_l("Please choose a file."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(k, label) for k, label in rules.EVIDENCE_KINDS.items()]


class DecisionForm(Form):
    """The one decision panel of an application: request changes, approve (then a summary to confirm)
    or reject; a reason where the rules need one (`workflow.require_reason`)."""

    decision = RadioField(
        _l("What do you decide?"),
        choices=[
            SelectChoice("request_changes", _l("Request changes")),
            SelectChoice("approve", _l("Approve (a summary follows to confirm)")),
            SelectChoice("reject", _l("Reject")),
        ],
        validators=[DataRequired(message=_l("Please choose a decision."))],
    )
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.decision.data in ("request_changes", "reject") and not (self.reason.data or "").strip():
            self.reason.errors = [*self.reason.errors, _l("Please give a reason.")]
            return False
        return valid


class CertificateDecisionForm(Form):
    """The one decision panel of a certificate; which actions it offers depends on the status."""

    action = RadioField(
        _l("What do you decide?"),
        choices=[
            SelectChoice("suspend", _l("Suspend")),
            SelectChoice("reinstate", _l("Reinstate")),
            SelectChoice("revoke", _l("Revoke for good")),
        ],
        validators=[DataRequired(message=_l("Please choose a decision."))],
    )
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    remedy_until = DateField(_l("Deadline for the remedy (when suspending)"), validators=[Optional()])

    def offer(self, actions: list[str]) -> "CertificateDecisionForm":
        self.action.choices = [c for c in self.action.choices if c.value in actions]
        return self

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.action.data and not (self.reason.data or "").strip():
            self.reason.errors = [*self.reason.errors, _l("Please give a reason.")]
            valid = False
        if self.action.data == "suspend" and not self.remedy_until.data and not self.remedy_until.errors:
            self.remedy_until.errors = [_l("Please give the deadline for the remedy.")]
            valid = False
        return valid


class AssignForm(Form):
    colleague = SelectField(_l("Assign to"), choices=[], coerce=int)


class CheckForm(Form):
    """A document marked checked (or the check taken back)."""

    checked = SelectField(choices=[SelectChoice("1", "1"), SelectChoice("0", "0")])


class CommentForm(Form):
    criterion = SelectField(_l("Criterion"), choices=[])
    product = SelectField(_l("Product"), choices=[], coerce=str)
    text = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=2000)])


class AuditForm(Form):
    audit_date = DateField(_l("Date of the audit"), validators=[InputRequired()])
    mode = SelectField(_l("Kind of audit"), choices=[SelectChoice(k.value, v) for k, v in AUDIT_MODE.items()])
    auditor = StringField(_l("Auditor"), validators=[DataRequired(), Length(max=120)])
    findings = TextAreaField(_l("Findings"), validators=[Optional(), Length(max=4000)])
    follow_up_until = DateField(_l("Follow-up deadline"), validators=[Optional()])
    criteria = SelectMultipleField(
        _l("Criteria whose evidence the audit saw"),
        choices=[],
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validate_choice=False,  # the service names an unknown one (workflow.record_audit)
    )

    def validate_audit_date(self, field):
        if field.data and field.data > utcnow().date():
            raise ValidationError(_l("An audit cannot lie in the future."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and self.follow_up_until.data and self.follow_up_until.data < self.audit_date.data:
            self.follow_up_until.errors.append(_l("The follow-up deadline cannot be before the audit."))
            return False
        return valid


class CriterionForm(Form):
    """The numbers of one criterion in a draft catalogue; which fields count depends on the rule type."""

    # The wording changes with the numbers: "at least 80 %" must not keep saying 70 %.
    title_de = StringField(_l("Title (German)"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[DataRequired(), Length(max=200)])
    explanation_de = TextAreaField(_l("Explanation (German)"), validators=[Optional(), Length(max=1000)])
    explanation_en = TextAreaField(_l("Explanation (English)"), validators=[Optional(), Length(max=1000)])
    min_percent = IntegerField(_l("Minimum regional share in %"), validators=[Optional()])
    min_level = IntegerField(_l("Minimum husbandry level"), validators=[Optional()])
    max_leg_km = IntegerField(_l("Longest transport leg in km"), validators=[Optional()])
    max_chain_km = IntegerField(_l("Whole supply chain in km"), validators=[Optional()])
    evidence = SelectMultipleField(
        _l("Required evidence"),
        choices=[],
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validate_choice=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.evidence.choices = [SelectChoice(k, label) for k, label in rules.EVIDENCE_KINDS.items()]

    @classmethod
    def of(cls, criterion) -> "CriterionForm":
        """The form of one criterion on its catalogue's page (prefixed by its id: the page has one each)."""
        texts = ("title_de", "title_en", "explanation_de", "explanation_en")
        data = {
            **criterion.params,
            "evidence": criterion.evidence,
            **{t: getattr(criterion, t) for t in texts},
        }
        return cls(prefix=f"c{criterion.id}", data=data)

    def texts(self) -> dict:
        return {
            name: (getattr(self, name).data or "").strip()
            for name in ("title_de", "title_en", "explanation_de", "explanation_en")
        }

    def params_for(self, rule_type: str) -> dict:
        names = {
            "regional_share": ["min_percent"],
            "husbandry_min": ["min_level"],
            "transport": ["max_leg_km", "max_chain_km"],
        }.get(rule_type, [])
        return {name: getattr(self, name).data for name in names}


class ValidityForm(Form):
    validity_months = IntegerField(
        _l("Certificates valid for (months)"), validators=[InputRequired(), NumberRange(1, 60)]
    )
