"""Display names of organisation kinds and size classes (see `vonhier/display_names.py`)."""

from flask_babel import lazy_gettext as _l

from ..display_names import add
from .models import OrgKind, SizeClass

ORG_KIND = add(
    "org_kind",
    {
        OrgKind.PRODUCER: _l("Producer"),
        OrgKind.PROCESSOR: _l("Processor"),
        OrgKind.RETAILER: _l("Retailer"),
        OrgKind.OUTLET_OPERATOR: _l("Direct sales"),
        OrgKind.CERTIFICATION_BODY: _l("Certification body"),
    },
)

SIZE_CLASS = add(
    "size_class",
    {
        SizeClass.MICRO: _l("Micro (fewer than 10 people)"),
        SizeClass.SMALL: _l("Small (10–49 people)"),
        SizeClass.MEDIUM: _l("Medium (50–249 people)"),
    },
)
