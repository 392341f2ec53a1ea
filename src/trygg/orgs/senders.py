"""Who a message says it comes from: the cooperation, as people know it (``trygg.core.mail`` sends what it is given)."""

from __future__ import annotations

from trygg.orgs.models import Cooperation, Organisation


def sender_name(user=None, municipality_code: str = "") -> str:
    """The cooperation the message comes from: the user's (first by name), or the municipality's."""
    coops = Cooperation.objects.order_by("name")
    if user is not None:
        coops = coops.filter(organisations__memberships__user=user)
    elif municipality_code:
        coops = coops.filter(
            organisations__municipalities__code=municipality_code,
            organisations__kind=Organisation.Kind.MUNICIPALITY,
        )
    name = coops.values_list("name", flat=True).first()
    return name or "Trygg"
