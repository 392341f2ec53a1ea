"""A small registry and watch list with every pattern planted, and officers logged in with a second factor."""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from trygg.demo.screening import org_number, personal_number
from trygg.screening.crossmatch import crossmatch
from trygg.screening.importers import import_ofac, import_own_list, import_registry

TODAY = timezone.localdate()
OFAC_ROWS = [
    [
        "9001",
        "NORDSJO HOLDING LTD",
        "-0-",
        "SDGT",
        "-0- ",
        "-0- ",
        "-0- ",
        "-0- ",
        "-0- ",
        "-0- ",
        "-0- ",
        "Nicosia, Cyprus; a.k.a. 'NORDSJOE HOLDING'.",
    ],
    [
        "9002",
        "AHMADI, Reza",
        "individual",
        "IRAN",
        "-0- ",
        "-0- ",
        "-0- ",
        "-0- ",
        "-0- ",
        "-0- ",
        "-0- ",
        "DOB 12 Mar 1971; nationality Iran.",
    ],
]


def csv_bytes(rows, columns=None) -> io.BytesIO:
    text = io.StringIO()
    if columns is None:
        csv.writer(text).writerows(rows)
    else:
        writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode("utf-8"))


class Registry:
    """Builds companies.csv / roles.csv rows with valid made-up identifiers."""

    def __init__(self):
        self.rng = np.random.default_rng(7)
        self.companies, self.roles, self.people = [], [], {}

    def person(self, name, coordination=False, country="SE"):
        number, born = personal_number(self.rng, coordination)
        self.people[name] = {"name": name, "personal_number": number, "birth_date": born, "country": country}
        return self.people[name]

    def company(self, name, registered, address="Storgatan 1", city="Karlstad", country="SE"):
        c = {
            "org_number": org_number(self.rng),
            "name": name,
            "registered_on": registered.isoformat(),
            "address": address,
            "postal_code": "652 25",
            "city": city,
            "country": country,
        }
        self.companies.append(c)
        return c

    def role(self, company, who, role, start, share=None, end=None, owner_org=""):
        self.roles.append(
            {
                "org_number": company["org_number"],
                "role": role,
                "name": who["name"],
                "personal_number": who.get("personal_number", ""),
                "country": who.get("country", "SE"),
                "birth_date": who.get("birth_date", ""),
                "share": "" if share is None else share,
                "valid_from": start.isoformat(),
                "valid_to": end.isoformat() if end else "",
                "owner_org_number": owner_org,
            }
        )


@pytest.fixture
def screening_data(demo_orgs):
    r = Registry()
    old = dt.date(2015, 1, 1)
    front = r.person("Kennet Bergvall")
    for i in range(10):
        r.role(r.company(f"Bolag {i + 1} AB", old), front, "board_member", old)
    krogen = r.company("Krogen Torget AB", TODAY - dt.timedelta(days=100), address="Torget 3")
    r.role(krogen, front, "ceo", TODAY - dt.timedelta(days=30))
    r.role(krogen, r.person("Tidigare Ledamot"), "board_member", old, end=TODAY - dt.timedelta(days=30))
    for i in range(20):
        r.company(f"Massbolag {i + 1} AB", old, address="Kungsgatan 5", city="Örebro")
    fasad = r.company("Fasadbygg Örebro AB", dt.date(2020, 1, 1), address="Kungsgatan 5", city="Örebro")
    abroad = r.person("Mikkel Sørensen", coordination=True, country="DK")
    r.role(fasad, abroad, "board_member", dt.date(2020, 1, 1))
    holding = r.company("Nordsjö Holding Ltd", dt.date(2010, 1, 1), address="Makariou 1", city="Nicosia", country="CY")
    trading = r.company("Vänerhamn Trading AB", dt.date(2012, 1, 1))
    r.role(
        trading,
        {"name": "Nordsjö Holding Ltd", "country": "CY"},
        "owner",
        dt.date(2012, 1, 1),
        share=40,
        owner_org=holding["org_number"],
    )
    lars = r.person("Lars Holm")
    r.role(trading, lars, "board_member", dt.date(2012, 1, 1))
    entreprenad = r.company("Klarälvens Entreprenad AB", dt.date(2011, 1, 1))
    r.role(entreprenad, lars, "ceo", dt.date(2011, 1, 1))
    clean = r.company("Lugna Caféet AB", dt.date(2009, 1, 1))
    anna = r.person("Anna Lugn")
    r.role(clean, anna, "board_member", dt.date(2009, 1, 1))
    revoked = r.person("Jonas Wik")
    import_registry(csv_bytes(r.companies, list(r.companies[0])), csv_bytes(r.roles, list(r.roles[0])), "Testregister")
    import_ofac(csv_bytes(OFAC_ROWS), "OFAC SDN", "test")
    import_own_list(
        csv_bytes(
            [
                {
                    "name": "Jonas Wik",
                    "personal_number": revoked["personal_number"],
                    "flag": "revoked",
                    "date": "2024-05-01",
                    "reference": "SOC 2024/1",
                }
            ],
            ["name", "personal_number", "flag", "date", "reference"],
        ),
        "Örebros lista",
        owner=demo_orgs["orgs"]["orebro-kommun"],
        shared_with=demo_orgs["orgs"]["orebro-kommun"].cooperations.first(),
    )
    crossmatch()
    return {
        "registry": r,
        "krogen": krogen,
        "fasad": fasad,
        "entreprenad": entreprenad,
        "clean": clean,
        "front": front,
        "abroad": abroad,
        "lars": lars,
        "anna": anna,
        "revoked": revoked,
        **demo_orgs,
    }


def case_data(applicant, persons, municipality="1780", kind="serveringstillstand", reference="TEST 1"):
    return {
        "municipality": municipality,
        "kind": kind,
        "reference": reference,
        "received_on": TODAY.isoformat(),
        "applicant": {"name": applicant["name"], "org_number": applicant["org_number"]},
        "persons": [
            {
                "name": p["name"],
                "personal_number": p["personal_number"],
                "role": role,
                **({"country": p["country"]} if p.get("country") else {}),
            }
            for p, role in persons
        ],
    }


@pytest.fixture
def officer(client, demo_orgs):
    """``officer(username)``: a client logged in and verified with a real TOTP code."""

    def _login(username="karlstad.granskare"):
        user = demo_orgs["users"][username]
        device = TOTPDevice.objects.create(user=user, name="Test", confirmed=True)
        client.force_login(user)
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        response = client.post("/granskning/verifiera/", {"token": f"{code:06d}"})
        assert response.status_code == 302
        return client

    return _login
