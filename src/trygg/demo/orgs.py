"""Demo organisations, users and places for Karlstad and Örebro (from the seed's meeting).

Places are drawn approximately around the two city centres for the demo; they are marked ``is_demo`` and
are not official boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass

from trygg.orgs.models import Cooperation, Membership, Municipality, Organisation, Place, Role, User

KARLSTAD = "1780"
OREBRO = "1880"
DEMO_PASSWORD = "trygg-demo"  # noqa: S105 - printed by load_demo; demo accounts only

ORGANISATIONS = [
    # slug, name, kind, municipalities
    ("karlstads-kommun", "Karlstads kommun", Organisation.Kind.MUNICIPALITY, [KARLSTAD]),
    ("orebro-kommun", "Örebro kommun", Organisation.Kind.MUNICIPALITY, [OREBRO]),
    ("lpo-karlstad", "Lokalpolisområde Karlstad", Organisation.Kind.POLICE_AREA, [KARLSTAD]),
    ("lpo-orebro", "Lokalpolisområde Örebro", Organisation.Kind.POLICE_AREA, [OREBRO]),
    ("bra-orebro", "Örebro brottsförebyggande råd", Organisation.Kind.CRIME_PREVENTION_COUNCIL, [OREBRO]),
    ("fastighetsagarna", "Fastighetsägarna Mitt", Organisation.Kind.PROPERTY_OWNERS, [KARLSTAD, OREBRO]),
    ("city-orebro", "City Örebro", Organisation.Kind.CITY_CENTRE, [OREBRO]),
    ("centrum-karlstad", "Centrum Karlstad", Organisation.Kind.CITY_CENTRE, [KARLSTAD]),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    organisation: str
    role: str


USERS = [
    DemoUser("karlstad.samordnare", "Kim", "Samordnare", "karlstads-kommun", Role.COORDINATOR),
    DemoUser("karlstad.admin", "Alex", "Administratör", "karlstads-kommun", Role.ORG_ADMIN),
    DemoUser("karlstad.granskare", "Gun", "Granskare", "karlstads-kommun", Role.SCREENING_OFFICER),
    DemoUser("fastighet.rapportor", "Robin", "Rapportör", "fastighetsagarna", Role.REPORTER),
    DemoUser("centrum.rapportor", "Sam", "Rapportör", "centrum-karlstad", Role.REPORTER),
    DemoUser("fastighet.kontroll", "Maj", "Kontrollant", "fastighetsagarna", Role.BUSINESS_CHECK),
    DemoUser("polis.karlstad", "Pat", "Polis", "lpo-karlstad", Role.COORDINATOR),
    DemoUser("orebro.samordnare", "Eli", "Samordnare", "orebro-kommun", Role.COORDINATOR),
    DemoUser("orebro.granskare", "Nour", "Granskare", "orebro-kommun", Role.SCREENING_OFFICER),
    DemoUser("city.orebro", "Charlie", "Rapportör", "city-orebro", Role.REPORTER),
    DemoUser("bra.lasare", "Vic", "Läsare", "bra-orebro", Role.VIEWER),
]


def _box(west: float, south: float, east: float, north: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


def _point(lat: float, lon: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


# Approximate demo geometry; "Centrum" first (the report map opens on the first place). Residential areas
# (bostadsområden) are what a survey asks about ("Vilket område bor du i?"); boxes around the real ones.
AREA, PLACE, RESIDENTIAL = Place.Kind.AREA, Place.Kind.PLACE, Place.Kind.RESIDENTIAL
PLACES = {
    KARLSTAD: [
        ("Centrum", AREA, _box(13.4935, 59.3745, 13.5135, 59.3850)),
        ("Stora torget", PLACE, _point(59.3794, 13.5035)),
        ("Resecentrum", PLACE, _point(59.3780, 13.4985)),
        ("Järnvägsparken", PLACE, _point(59.3772, 13.5005)),
        ("Sandgrundsudden", PLACE, _point(59.3815, 13.4995)),
        ("Kronoparken", RESIDENTIAL, _box(13.5750, 59.3980, 13.5950, 59.4100)),
        ("Herrhagen", RESIDENTIAL, _box(13.4880, 59.3660, 13.5030, 59.3740)),
        ("Våxnäs", RESIDENTIAL, _box(13.4580, 59.3760, 13.4780, 59.3880)),
        ("Rud", RESIDENTIAL, _box(13.4400, 59.3890, 13.4580, 59.3990)),
    ],
    OREBRO: [
        ("Centrum", AREA, _box(15.2010, 59.2670, 15.2250, 59.2810)),
        ("Stortorget", PLACE, _point(59.2727, 15.2130)),
        ("Järntorget", PLACE, _point(59.2702, 15.2095)),
        ("Resecentrum", PLACE, _point(59.2793, 15.2110)),
        ("Slottsparken", PLACE, _point(59.2745, 15.2170)),
        ("Vivalla", RESIDENTIAL, _box(15.1550, 59.2910, 15.1780, 59.3010)),
        ("Baronbackarna", RESIDENTIAL, _box(15.1700, 59.2570, 15.1870, 59.2660)),
        ("Brickebacken", RESIDENTIAL, _box(15.1850, 59.2300, 15.2050, 59.2400)),
        ("Varberga", RESIDENTIAL, _box(15.2500, 59.2680, 15.2720, 59.2800)),
    ],
}


def load_organisations() -> dict[str, Organisation]:
    orgs = {}
    municipalities = Municipality.objects.in_bulk([KARLSTAD, OREBRO])
    for slug, name, kind, codes in ORGANISATIONS:
        org, _ = Organisation.objects.update_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "is_demo": True}
        )
        org.municipalities.set([municipalities[c] for c in codes])
        orgs[slug] = org
    coop, _ = Cooperation.objects.update_or_create(
        slug="trygga-centrum",
        defaults={
            "name": "Trygga centrum Karlstad–Örebro",
            "description": "Samverkan om tryggheten i centrummiljöerna mellan Karlstad och Örebro (demo).",
            "share_incidents": True,
            "share_measures": True,
            "share_watchlists": True,
        },
    )
    coop.organisations.set(orgs.values())
    return orgs


DEMO_MAIL_DOMAIN = "trygg.example"


def load_users(orgs: dict[str, Organisation]) -> list[tuple[DemoUser, User]]:
    result = []
    for spec in USERS:
        user, created = User.objects.get_or_create(
            username=spec.username, defaults={"first_name": spec.first_name, "last_name": spec.last_name}
        )
        if not user.email:  # a reserved domain (RFC 2606): the demo's mail goes to a local debugging server
            user.email = f"{spec.username}@{DEMO_MAIL_DOMAIN}"
            user.save(update_fields=["email"])
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.update_or_create(
            user=user, organisation=orgs[spec.organisation], defaults={"role": spec.role}
        )
        result.append((spec, user))
    return result


def load_places() -> list[Place]:
    places = []
    for code, specs in PLACES.items():
        for name, kind, geometry in specs:
            place = Place.objects.filter(municipality_id=code, name=name).first() or Place(
                municipality_id=code, name=name
            )
            place.kind = kind
            place.geometry = geometry
            place.is_demo = True
            place.save()
            places.append(place)
    return places
