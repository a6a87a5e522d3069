"""What food law asks of a product's data beyond the label's criteria: the pre-check shows it as
warnings beside the results and never fails a criterion for it (a product may be certified while its
producer completes it). Pure, like `rules.py`: a function of a snapshot (`catalogue.snapshot`)."""

from flask_babel import lazy_gettext as _l

from ..catalogue.snapshot import allergens


def warnings(snapshot: dict) -> list[str]:
    """Translated sentences, one per gap; empty when there is none."""
    found = []
    if not allergens(snapshot)["recorded"]:
        found.append(
            str(
                _l(
                    "No allergens recorded: tick the ones the ingredients contain, or declare that the "
                    "product has none of the 14. Food law requires them on the label and for sale at a "
                    "distance."
                )
            )
        )
    return found
