"""A generated company and person registry around Karlstad and Örebro, with planted patterns, three
applications that exercise them, and demo second-factor devices for the screening officers.

Everything here is generated (seeded) and labelled as generated demo data; only the OFAC SDN list is real.
Names are drawn from common Swedish first names and surnames (SCB's most common names); organisation and
personal identity numbers are valid in form (date and check digit) but made up.

Planted patterns:

* a front person ("målvakt") on the boards of 15 companies, several joined in the last months;
* a mass-registration address in Örebro with 40 companies;
* a company in the registry owned in part by an entity on the OFAC SDN list (network link);
* Örebro's own list of revoked licences, shared with Karlstad through the cooperation.
"""

from __future__ import annotations

import binascii
import csv
import datetime as dt
import io
from pathlib import Path

import numpy as np
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum import luhn

from trygg.core.importing import open_binary
from trygg.demo.orgs import KARLSTAD
from trygg.orgs.models import Cooperation, Organisation, User
from trygg.screening.cases import create_case
from trygg.screening.crossmatch import crossmatch
from trygg.screening.engine import screen, thresholds
from trygg.screening.importers import import_ofac, import_own_list, import_registry
from trygg.screening.models import Case, Dataset

SEED = 20140305
REGISTRY_NAME = "Registerutdrag (genererat)"
OWN_LIST_NAME = "Örebro: återkallade och nekade tillstånd (genererad)"
OFAC_FILE = Path("watchlists/ofac_sdn_2024-05-03.csv")
SANCTIONED_NAME = "BANCO NACIONAL DE CUBA"  # an entity on the real SDN list (ent_num 306)

SURNAMES = (
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson Pettersson Jonsson "
    "Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson Magnusson Lindström Olofsson Lindqvist Lindgren Berg "
    "Axelsson Bergström Lundberg Lind Lundgren Lundqvist Mattsson Berglund Fredriksson Sandberg Henriksson Forsberg "
    "Sjöberg Ali Wallin Mohammed Engström Eklund Danielsson Lundin Håkansson Björk Bergman Gunnarsson Holm Wikström "
    "Samuelsson Isaksson Fransson Bergqvist Nyström Holmberg Arvidsson Löfgren Söderberg Nyberg Blomqvist Claesson "
    "Nordström Mårtensson Lundström Ahmed Viklund Björklund Eliasson Pålsson Hassan Berggren Sandström Lund Nordin "
    "Ström Åberg Hermansson Ekström Falk Holmgren Dahlberg Hellström Hedlund Sundberg Sjögren Ek Blom Abrahamsson"
).split()
FIRST_NAMES = (
    "Anna Eva Maria Karin Sara Christina Lena Emma Kerstin Marie Malin Ingrid Sofia Jenny Linda Hanna Annika Elin "
    "Johanna Åsa Ida Sandra Amanda Elsa Alice Maja Ebba Lars Mikael Anders Johan Erik Per Peter Karl Thomas Jan "
    "Daniel Fredrik Hans Andreas Stefan Mohammad Ali Ahmed Bengt Mats Magnus Marcus Jonas Oskar Björn Sven Nils "
    "Göran Gustav Mattias Martin Niklas Alexander David Emil Lucas William Elias Hugo Adam Viktor Axel Filip Anton"
).split()
TRADES = (
    "Bygg",
    "Städ",
    "Restaurang",
    "Pizzeria",
    "Transport",
    "Måleri",
    "El",
    "Fastigheter",
    "Konsult",
    "Krog",
    "Bar",
    "Café",
    "Entreprenad",
    "Handel",
    "Fasad",
    "Mark",
    "Rör",
    "Plåt",
    "Event",
    "Säkerhet",
)
STREETS = {
    "Karlstad": [
        "Drottninggatan",
        "Västra Torggatan",
        "Östra Torggatan",
        "Kungsgatan",
        "Tingvallagatan",
        "Järnvägsgatan",
        "Hamngatan",
        "Älvgatan",
        "Herrgårdsgatan",
        "Fredsgatan",
    ],
    "Örebro": [
        "Drottninggatan",
        "Kungsgatan",
        "Storgatan",
        "Järntorgsgatan",
        "Fabriksgatan",
        "Olaigatan",
        "Rudbecksgatan",
        "Köpmangatan",
        "Engelbrektsgatan",
        "Nygatan",
    ],
}
POSTCODES = {"Karlstad": "652 25", "Örebro": "702 11"}
MASS_ADDRESS = ("Kungsgatan 5", "702 11", "Örebro")
# Demo second-factor keys (hex). load_demo prints how to get codes; never used outside the demo.
DEMO_TOTP_KEYS = {
    "karlstad.granskare": "3132333435363738393031323334353637383930",
    "orebro.granskare": "3938373635343332313039383736353433323130",
}


def org_number(rng: np.random.Generator) -> str:
    base = "559" + "".join(str(int(d)) for d in rng.integers(0, 10, 6))
    return f"{base[:6]}-{base[6:]}{luhn.calc_check_digit(base)}"


def personal_number(rng: np.random.Generator, coordination: bool = False) -> tuple[str, str]:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=int(rng.integers(0, 54 * 365)))
    day = born.day + (60 if coordination else 0)
    base = f"{born:%y%m}{day:02d}" + "".join(str(int(d)) for d in rng.integers(0, 10, 3))
    return f"{born.year}{base[2:6]}{base[6:]}{luhn.calc_check_digit(base)}", born.isoformat()


class RegistryBuilder:
    def __init__(self, seed: int = SEED) -> None:
        self.rng = np.random.default_rng(seed)
        self.companies: list[dict] = []
        self.roles: list[dict] = []
        self.persons: dict[str, dict] = {}

    def person(self, name: str | None = None, coordination: bool = False, country: str = "SE") -> dict:
        rng = self.rng
        name = name or f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        number, born = personal_number(rng, coordination)
        person = {"name": name, "personal_number": number, "birth_date": born, "country": country}
        self.persons[number] = person
        return person

    def company(self, name: str, city: str, registered: dt.date, address: tuple[str, str, str] | None = None) -> dict:
        rng = self.rng
        street, postcode, city_name = address or (
            f"{rng.choice(STREETS[city])} {int(rng.integers(1, 80))}",
            POSTCODES[city],
            city,
        )
        company = {
            "org_number": org_number(rng),
            "name": name,
            "registered_on": registered.isoformat(),
            "address": street,
            "postal_code": postcode,
            "city": city_name,
            "country": "SE",
        }
        self.companies.append(company)
        return company

    def role(
        self,
        company: dict,
        person: dict,
        role: str,
        start: dt.date,
        share: float | None = None,
        end: dt.date | None = None,
    ) -> None:
        self.roles.append(
            {
                "org_number": company["org_number"],
                "role": role,
                "personal_number": person.get("personal_number", ""),
                "name": person["name"],
                "birth_date": person.get("birth_date", ""),
                "country": person.get("country", "SE"),
                "share": "" if share is None else f"{share:g}",
                "valid_from": start.isoformat(),
                "valid_to": end.isoformat() if end else "",
                "owner_org_number": person.get("owner_org", ""),
            }
        )

    def random_date(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=int(self.rng.integers(0, max(1, (end - start).days))))

    def background(self, n_companies: int, today: dt.date) -> None:
        rng = self.rng
        for _ in range(n_companies):
            city = str(rng.choice(["Karlstad", "Örebro"]))
            style = rng.integers(0, 3)
            trade = str(rng.choice(TRADES))
            name = {
                0: f"{rng.choice(SURNAMES)}s {trade} AB",
                1: f"{trade} i {city} AB",
                2: f"{rng.choice(SURNAMES)} & {rng.choice(SURNAMES)} {trade} AB",
            }[int(style)]
            registered = self.random_date(dt.date(2005, 1, 1), today - dt.timedelta(days=30))
            company = self.company(name, city, registered)
            for _ in range(int(rng.integers(1, 4))):
                self.role(company, self.person(), "board_member", self.random_date(registered, today))
            owner = self.person()
            self.role(company, owner, "owner", registered, share=float(rng.choice([50, 60, 100])))


def build_registry(today: dt.date, seed: int = SEED) -> tuple[RegistryBuilder, dict]:
    """The generated registry and the planted entities the applications use."""
    b = RegistryBuilder(seed)
    b.background(1200, today)
    planted: dict = {}
    # (a) a front person on the boards of 15 companies, several joined recently
    front = b.person("Kennet Bergvall")
    planted["front"] = front
    for i in range(15):
        company = b.company(
            f"{b.rng.choice(SURNAMES)}s {TRADES[i % len(TRADES)]} {i + 1} AB",
            "Karlstad" if i % 2 else "Örebro",
            b.random_date(dt.date(2015, 1, 1), today - dt.timedelta(days=200)),
        )
        b.role(company, front, "board_member", today - dt.timedelta(days=int(b.rng.integers(10, 400))))
    krogen = b.company(
        "Krogen Stora Torget AB", "Karlstad", today - dt.timedelta(days=120), ("Stora Torget 3", "652 24", "Karlstad")
    )
    planted["krogen"] = krogen
    b.role(krogen, front, "board_member", today - dt.timedelta(days=35))
    b.role(krogen, front, "ceo", today - dt.timedelta(days=35))
    jonas = b.person("Jonas Wik")
    planted["revoked_person"] = jonas
    b.role(krogen, jonas, "owner", today - dt.timedelta(days=120), share=100)
    previous = b.person()
    b.role(krogen, previous, "board_member", today - dt.timedelta(days=120), end=today - dt.timedelta(days=35))
    # (b) a mass-registration address in Örebro
    for i in range(40):
        company = b.company(
            f"Nordic {TRADES[i % len(TRADES)]} Service {i + 1} AB",
            "Örebro",
            b.random_date(dt.date(2020, 1, 1), today - dt.timedelta(days=60)),
            MASS_ADDRESS,
        )
        b.role(company, b.person(), "board_member", dt.date.fromisoformat(company["registered_on"]))
    fasad = b.company("Fasadbygg i Örebro AB", "Örebro", today - dt.timedelta(days=300), MASS_ADDRESS)
    planted["fasad"] = fasad
    abroad = b.person("Mikkel Lund Sørensen", coordination=True, country="DK")
    planted["abroad"] = abroad
    b.role(fasad, abroad, "board_member", today - dt.timedelta(days=300))
    b.role(fasad, abroad, "owner", today - dt.timedelta(days=300), share=100)
    # (c) a link to an entity on the OFAC SDN list
    bank = {"name": "Banco Nacional de Cuba", "owner_org": "", "country": "CU"}
    bank_company = b.company(
        "BANCO NACIONAL DE CUBA", "Örebro", dt.date(1950, 1, 1), ("Calle Aguiar 456", "10100", "La Habana")
    )
    bank_company["country"] = "CU"
    bank["owner_org"] = bank_company["org_number"]
    ntp = b.company("Nordic Trade Partners AB", "Karlstad", dt.date(2019, 5, 2))
    b.role(ntp, bank, "owner", dt.date(2019, 5, 2), share=30)
    lars = b.person("Lars Holm")
    planted["lars"] = lars
    b.role(ntp, lars, "board_member", dt.date(2019, 5, 2))
    entreprenad = b.company("Värmlands Entreprenad & Handel AB", "Karlstad", dt.date(2016, 3, 14))
    planted["entreprenad"] = entreprenad
    b.role(entreprenad, lars, "board_member", dt.date(2018, 1, 1))
    b.role(entreprenad, lars, "ceo", dt.date(2018, 1, 1))
    planted["entreprenad_owner"] = b.person()
    b.role(entreprenad, planted["entreprenad_owner"], "owner", dt.date(2016, 3, 14), share=100)
    return b, planted


def _csv_bytes(rows: list[dict], columns: list[str]) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode("utf-8"))


def load(shared_data: Path, today: dt.date | None = None) -> dict:
    """Load (idempotently) the OFAC list, the generated registry, Örebro's own list, and the three cases."""
    today = today or dt.date.today()
    result: dict = {}
    ofac = shared_data / OFAC_FILE
    if ofac.exists() and not Dataset.objects.filter(name="OFAC SDN").exists():
        with open_binary(ofac) as fh:
            result["ofac"] = import_ofac(fh, "OFAC SDN", "2024-05-03").summary()
    if Case.objects.filter(is_generated=True).exists():
        return result
    builder, planted = build_registry(today)
    companies = _csv_bytes(
        builder.companies, ["org_number", "name", "registered_on", "address", "postal_code", "city", "country"]
    )
    roles = _csv_bytes(
        builder.roles,
        [
            "org_number",
            "role",
            "personal_number",
            "name",
            "birth_date",
            "country",
            "share",
            "valid_from",
            "valid_to",
            "owner_org_number",
        ],
    )
    result["registry"] = import_registry(companies, roles, REGISTRY_NAME, generated=True).summary()
    orebro = Organisation.objects.get(slug="orebro-kommun")
    coop = Cooperation.objects.filter(slug="trygga-centrum").first()
    jonas = planted["revoked_person"]
    own = _csv_bytes(
        [
            {
                "name": jonas["name"],
                "personal_number": jonas["personal_number"],
                "flag": "revoked",
                "date": (today - dt.timedelta(days=500)).isoformat(),
                "reference": "SOC 2024/311",
            },
            {
                "name": "Krogen Kanalen AB",
                "org_number": org_number(builder.rng),
                "flag": "refused",
                "date": (today - dt.timedelta(days=700)).isoformat(),
                "reference": "SOC 2023/102",
            },
        ],
        ["name", "org_number", "personal_number", "birth_date", "flag", "date", "reference"],
    )
    result["own_list"] = import_own_list(own, OWN_LIST_NAME, owner=orebro, shared_with=coop).summary()
    Dataset.objects.filter(name=OWN_LIST_NAME).update(is_generated=True)
    result["flagged"] = crossmatch(thresholds())
    # residents' receipt reports about the venue the first application is for (the screening reads them)
    from trygg.citizens.models import ReceiptReport, Venue

    krogen_venue = Venue.objects.create(
        municipality_id=KARLSTAD,
        name=planted["krogen"]["name"],
        org_number=planted["krogen"]["org_number"],
        address="Stora Torget 3",
        lat=59.3796,
        lon=13.5032,
        is_generated=True,
    )
    for days in (12, 30, 41, 75):
        ReceiptReport.objects.create(
            municipality_id=KARLSTAD,
            venue=krogen_venue,
            visited_on=today - dt.timedelta(days=days),
            purchases=["entrance", "cloakroom"],
            is_generated=True,
        )
    with transaction.atomic():
        cases = [
            {
                "municipality": "1780",
                "kind": "serveringstillstand",
                "reference": "SOC 2026/118 (demo)",
                "received_on": today.isoformat(),
                "premises_address": "Stora Torget 3, Karlstad",
                "applicant": {"name": planted["krogen"]["name"], "org_number": planted["krogen"]["org_number"]},
                "persons": [
                    {
                        "name": planted["front"]["name"],
                        "personal_number": planted["front"]["personal_number"],
                        "role": "ceo",
                    },
                    {"name": jonas["name"], "personal_number": jonas["personal_number"], "role": "owner", "share": 100},
                ],
            },
            {
                "municipality": "1880",
                "kind": "bygglov",
                "reference": "BN 2026/442 (demo)",
                "received_on": today.isoformat(),
                "premises_address": "Fabriksgatan 20, Örebro",
                "applicant": {"name": planted["fasad"]["name"], "org_number": planted["fasad"]["org_number"]},
                "persons": [
                    {
                        "name": planted["abroad"]["name"],
                        "personal_number": planted["abroad"]["personal_number"],
                        "role": "board_member",
                        "country": "DK",
                    }
                ],
            },
            {
                "municipality": "1780",
                "kind": "upphandling",
                "reference": "KS 2026/77 (demo)",
                "received_on": today.isoformat(),
                "premises_address": "",
                "applicant": {
                    "name": planted["entreprenad"]["name"],
                    "org_number": planted["entreprenad"]["org_number"],
                },
                "persons": [
                    {
                        "name": planted["lars"]["name"],
                        "personal_number": planted["lars"]["personal_number"],
                        "role": "ceo",
                    },
                    {
                        "name": planted["entreprenad_owner"]["name"],
                        "personal_number": planted["entreprenad_owner"]["personal_number"],
                        "role": "owner",
                        "share": 100,
                    },
                ],
            },
        ]
        result["cases"] = []
        for data in cases:
            case = create_case(data, None, generated=True)
            run = screen(case)
            result["cases"].append((case.reference, run.recommendation))
            if data["kind"] == "serveringstillstand":
                run = procedure_begun(case, jonas["name"], today)
                result["cases"][-1] = (case.reference, run.recommendation)
    return result


def procedure_begun(case, owner: str, today: dt.date):
    """The licensing procedure under way on the demo's alcohol licence: the applicant has answered the questionnaire
    (declaring the owner and a lender the registry does not know), and a request to the police awaits its answer."""
    from trygg.screening import procedure
    from trygg.screening.models import ApplicantLink, AuthorityRequest

    _link, url = procedure.make_link(case, ApplicantLink.Purpose.QUESTIONNAIRE, None)
    answers = {
        "owners": [{"name": owner, "share": "100"}],
        "financing": [{"name": "Torgets Finans AB", "kind": "loan", "amount": "800000"}],
        "refusals": False,
        "signed_by": "Demo Sökande",
    }
    procedure.submit_questionnaire(url.rstrip("/").rsplit("/", 1)[1], answers, [])
    AuthorityRequest.objects.create(
        case=case,
        authority=AuthorityRequest.Authority.POLICE,
        address="registrator.karlstad@polisen.example",
        text=f"Polisens yttrande enligt 8 kap. 17 § alkohollagen om {case.applicant.name} (genererat demoärende).",
        deadline=today + dt.timedelta(days=21),
    )
    return case.runs.first()


def totp_devices() -> list[tuple[str, str]]:
    """Confirmed second-factor devices for the demo screening officers; returns (username, base32 secret)."""
    out = []
    for username, key in DEMO_TOTP_KEYS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        TOTPDevice.objects.update_or_create(user=user, name="Demo", defaults={"key": key, "confirmed": True})
        import base64

        out.append((username, base64.b32encode(binascii.unhexlify(key)).decode()))
    return out
