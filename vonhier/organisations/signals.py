"""What organisations tell the features that build on them, so that they follow without being imported."""

from blinker import Namespace

_signals = Namespace()

# Sent with (organisation) after its public profile changed; the search index listens.
profile_saved = _signals.signal("organisation-profile-saved")
# Sent with (organisation) when its public profile is shown; a receiver returns an HTML piece (its
# own template's output) or None, shown on the profile (`web.panels`): the outlets list theirs.
profile_shown = _signals.signal("organisation-profile-shown")
