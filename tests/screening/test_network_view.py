"""The network on the case: the planted case of issue 11 drawn as an SVG and a table, with its hub, the listed
owner, the front person's companies to open, and no way out of the case's own network."""

from __future__ import annotations

import datetime as dt
import random
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

from tests.screening.conftest import TODAY, Registry, case_data, csv_bytes
from trygg.audit.models import AuditEvent
from trygg.screening import diagram, network_view
from trygg.screening.cases import create_case
from trygg.screening.crossmatch import crossmatch
from trygg.screening.engine import screen
from trygg.screening.importers import import_ofac, import_registry
from trygg.screening.models import Entity

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
OFAC = [
    ["7001", "KHRISTOFOROV, Vasiliy Aleksandrovich", "individual", "RUSSIA-EO14024", *["-0- "] * 7,
     "DOB 12 Mar 1972; nationality Russia."],
]  # fmt: skip


def build_planted_network(demo_orgs) -> dict:
    """The planted case: a sanctioned person owns 100 % of a holding that owns 60 % of the applicant; a young
    straw man on its board; 40 companies at its address; a front person on the holding's board sits on 16
    boards; a former board member left 14 days ago (not in the network any more)."""
    r = Registry()
    old = dt.date(2015, 1, 1)
    address = "Hamngatan 10"
    for i in range(39):
        r.company(f"Hamnbolaget {i + 1} AB", old, address=address)
    applicant = r.company("Krogen Stora Torget AB", TODAY - dt.timedelta(days=500), address=address)
    holding = r.company("Nordlig Invest Holding AB", dt.date(2019, 1, 1), address="Box 100")
    sanctioned = {"name": "Vasiliy Aleksandrovich Khristoforov", "birth_date": "1972-03-12", "country": "RU"}
    r.role(holding, sanctioned, "owner", dt.date(2019, 1, 1), share=100)
    r.role(applicant, {"name": "Nordlig Invest Holding AB", "country": "SE"}, "owner", dt.date(2024, 1, 1), share=60,
           owner_org=holding["org_number"])  # fmt: skip
    minority = r.person("Eva Ek")
    r.role(applicant, minority, "owner", dt.date(2024, 1, 1), share=40)
    straw = r.person("Alex Nyberg")
    r.role(applicant, straw, "board_member", TODAY - dt.timedelta(days=14))
    r.role(applicant, straw, "ceo", TODAY - dt.timedelta(days=14))
    front = r.person("Kennet Bergvall")
    r.role(holding, front, "board_member", dt.date(2019, 1, 1))
    for i in range(16):
        r.role(r.company(f"Frontbolag {i + 1} AB", old, address=f"Frontvägen {i + 1}"), front, "board_member", old)
    leaver = r.person("Gunnar Gammal")
    r.role(applicant, leaver, "board_member", old, end=TODAY - dt.timedelta(days=14))
    r.role(r.company("Gammal Konsult AB", old, address="Gamla vägen 1"), leaver, "board_member", old)
    import_registry(csv_bytes(r.companies, list(r.companies[0])), csv_bytes(r.roles, list(r.roles[0])), "Register")
    import_ofac(csv_bytes(OFAC), "OFAC SDN", "test")
    crossmatch()
    case = create_case(case_data(applicant, [(straw, "ceo"), (minority, "owner")], reference="SOC 2026/11"))
    screen(case)
    return {"case": case, "applicant": applicant, "straw": straw, "front": front, "holding": holding}


@pytest.fixture
def planted(demo_orgs):
    return build_planted_network(demo_orgs)


def in_english(client):
    """New interface strings are checked in English: their Swedish is added to the catalogue separately."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def registry(name: str) -> Entity:
    return Entity.objects.get(name=name, dataset__kind="registry")


def svg_of(page: str) -> ET.Element:
    """The diagram, parsed as XML (it must be well-formed)."""
    match = re.search(r"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"network\".*?</svg>", page, re.S)
    assert match, "no network diagram on the page"
    return ET.fromstring(match.group(0))


def node_texts(svg: ET.Element) -> dict[str, str]:
    """Each node's label → the class of its group (``node node-person listed`` …)."""
    out = {}
    for group in svg.iter(f"{SVG}g"):
        if (group.get("class") or "").startswith("node "):
            out[group.find(f"{SVG}text").text] = group.get("class")
    return out


def test_the_network_shows_the_holding_with_its_share_and_the_listed_owner(planted, officer):
    case = planted["case"]
    response = officer().get(f"/granskning/arenden/{case.pk}/natverk/")
    assert response.status_code == 200
    page = response.content.decode()
    svg = svg_of(page)
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "network-title network-desc"
    assert "Vasiliy Aleksandrovich Khristoforov" in svg.find(f"{SVG}desc").text
    nodes = node_texts(svg)
    assert "node-company" in nodes["Krogen Stora Torget AB"] and "party" in nodes["Krogen Stora Torget AB"]
    assert "node-company" in nodes["Nordlig Invest Holding AB"]
    assert "node-person" in nodes["Alex Nyberg"]
    listed = next(label for label in nodes if label.startswith("Vasiliy Aleksandrovich"))
    assert "listed" in nodes[listed] and "node-person" in nodes[listed]
    assert sum("listed" in css for css in nodes.values()) == 1
    edge_labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "link-label"]
    assert "ägare 60 %" in edge_labels and "ägare 100 %" in edge_labels and "ägare 40 %" in edge_labels
    assert "styrelseledamot, VD" in edge_labels  # the straw man's two posts: one link
    english = svg_of(in_english(officer()).get(f"/granskning/arenden/{case.pk}/natverk/").content.decode())
    assert english.find(f"{SVG}title").text == "Company network around case SOC 2026/11"
    notes = [t.text for t in english.iter(f"{SVG}text") if t.get("class") == "node-note"]
    assert "listed: OFAC SDN" in notes and "applicant" in notes
    # the table says the same, with links to the entity pages for the case
    holding = registry("Nordlig Invest Holding AB")
    assert f'href="/granskning/aktorer/{holding.pk}/?case={case.pk}"' in page
    assert "Nordlig Invest Holding AB — ägare 60 % → Krogen Stora Torget AB" in page
    # he left the board two weeks ago: drawn as the screening walks him, with the day he left
    left = (TODAY - dt.timedelta(days=14)).isoformat()
    assert f"Gunnar Gammal — styrelseledamot till {left} → Krogen Stora Torget AB" in page
    assert 'style="' not in page and "<script>" not in page  # the CSP allows neither


def test_the_address_hub_is_counted_and_not_expanded_until_opened(planted, officer):
    case = planted["case"]
    client = in_english(officer())
    page = client.get(f"/granskning/arenden/{case.pk}/natverk/").content.decode()
    assert "40 companies at the address — not shown" in page
    assert "Hamnbolaget 1 AB" not in page
    address = Entity.objects.get(name__startswith="Hamngatan 10", dataset__kind="registry")
    opened = client.get(f"/granskning/arenden/{case.pk}/natverk/?expand={address.pk}")
    assert opened.status_code == 200
    text = opened.content.decode()
    assert "Hamnbolaget 1 AB" in text and "Hamnbolaget 39 AB" in text
    assert "40 companies at the address — not shown" not in text and "40 companies at the address" in text


def test_the_front_persons_companies_can_be_browsed_within_the_hop_limit(planted, officer, monkeypatch):
    case = planted["case"]
    client = in_english(officer())
    monkeypatch.setattr(network_view, "MAX_DRAWN", 12)
    page = client.get(f"/granskning/arenden/{case.pk}/natverk/").content.decode()
    assert len(node_texts(svg_of(page))) == 12
    assert "more were reached but are not drawn" in page and "more connections not drawn" in page
    front = registry("Kennet Bergvall")
    monkeypatch.setattr(network_view, "MAX_DRAWN", 30)
    opened = client.get(f"/granskning/arenden/{case.pk}/natverk/?expand={front.pk}").content.decode()
    labels = node_texts(svg_of(opened))
    assert all(f"Frontbolag {i} AB" in labels for i in range(1, 17))
    # the front person's companies are three steps from the parties: at the limit, not opened further
    company = registry("Frontbolag 1 AB")
    at_limit = client.get(f"/granskning/arenden/{case.pk}/natverk/?expand={front.pk}&expand={company.pk}")
    assert at_limit.status_code == 200 and "is at the step limit (3 steps)" in at_limit.content.decode()


def test_nothing_outside_the_case_network_can_be_opened(planted, officer):
    case = planted["case"]
    client = officer()
    outside = Entity.objects.filter(dataset__name="OFAC SDN").first()  # a list entry: never a node of the walk
    assert client.get(f"/granskning/arenden/{case.pk}/natverk/?expand={outside.pk}").status_code == 404
    # the leaver's other company is reached through him (he left within the year before the case): it may be opened
    assert (
        client.get(f"/granskning/arenden/{case.pk}/natverk/?expand={registry('Gammal Konsult AB').pk}").status_code
        == 200
    )
    assert client.get(f"/granskning/arenden/{case.pk}/natverk/?expand=99999999").status_code == 404
    assert client.get(f"/granskning/arenden/{case.pk}/natverk/?expand=abc").status_code == 404
    assert client.get("/granskning/arenden/99999999/natverk/").status_code == 404


def test_only_the_owning_municipality_sees_the_network(planted, officer, client, demo_orgs):
    case = planted["case"]
    url = f"/granskning/arenden/{case.pk}/natverk/"
    assert officer("orebro.granskare").get(url).status_code == 403
    assert AuditEvent.objects.filter(action="denied", actor__username="orebro.granskare", purpose=case.reference)
    client.force_login(demo_orgs["users"]["karlstad.samordnare"])
    assert client.get(url).status_code == 403


def test_every_view_of_the_network_is_audited_with_the_count(planted, officer):
    case = planted["case"]
    client = officer()
    client.get(f"/granskning/arenden/{case.pk}/natverk/")
    address = Entity.objects.get(name__startswith="Hamngatan 10", dataset__kind="registry")
    client.get(f"/granskning/arenden/{case.pk}/natverk/?expand={address.pk}")
    events = AuditEvent.objects.filter(purpose=case.reference, action="view", summary__startswith="network viewed")
    assert events.count() == 2
    first, second = events.order_by("at", "pk")
    assert re.fullmatch(r"network viewed: \d+ of \d+ entities shown", first.summary)
    assert f"expanded {address.pk}" in second.summary
    assert first.actor.username == "karlstad.granskare" and first.object_id == str(case.pk)


def test_the_case_and_entity_pages_link_to_the_network(planted, officer):
    case = planted["case"]
    client = officer()
    assert f"/granskning/arenden/{case.pk}/natverk/" in client.get(f"/granskning/arenden/{case.pk}/").content.decode()
    entity = registry("Krogen Stora Torget AB")
    page = client.get(f"/granskning/aktorer/{entity.pk}/?case={case.pk}").content.decode()
    assert f"/granskning/arenden/{case.pk}/natverk/" in page and f"/granskning/sok/?case={case.pk}" in page


def test_the_layout_is_deterministic_and_layered_by_distance():
    nodes = [diagram.Node(1, "Sökande AB", "company"), diagram.Node(2, "Holding AB", "company"),
             diagram.Node(3, "Anna Ägare", "person"), diagram.Node(4, "Storgatan 1", "address"),
             diagram.Node(5, "Ensam Person", "person")]  # fmt: skip
    links = [diagram.Link(2, 1, "ägare 60 %"), diagram.Link(3, 2, "ägare 100 %"), diagram.Link(1, 4, "adress")]
    first = diagram.layout(nodes, links, roots=[1, 5])
    layers = {p.node.id: p.layer for p in first.nodes}
    assert layers == {1: 0, 5: 0, 2: 1, 4: 1, 3: 2}
    for _ in range(5):
        shuffled_nodes, shuffled_links = nodes[:], links[:]
        random.shuffle(shuffled_nodes)
        random.shuffle(shuffled_links)
        again = diagram.layout(shuffled_nodes, shuffled_links, roots=[1, 5])
        assert [(p.node.id, p.x, p.y) for p in again.nodes] == [(p.node.id, p.x, p.y) for p in first.nodes]
    assert {p.node.id: p.radius > 0 for p in first.nodes}[3]  # persons are rounded
    assert len(first.links) == 3 and all(link.path.startswith("M") for link in first.links)
    assert diagram.shorten("Ett mycket långt bolagsnamn som inte får plats AB", 20).endswith("…")


def test_a_party_the_registry_does_not_know_is_drawn_with_its_role_from_the_application(planted, officer):
    data = case_data(planted["applicant"], [(planted["straw"], "ceo")], reference="SOC 2026/12")
    data["persons"].append({"name": "Okänd Finansiär", "birth_date": "1980-05-05", "role": "financier"})
    case = create_case(data)
    page = in_english(officer()).get(f"/granskning/arenden/{case.pk}/natverk/").content.decode()
    svg = svg_of(page)
    assert "party" in node_texts(svg)["Okänd Finansiär"]
    notes = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "node-note"]
    assert "not found in the registry" in notes
    labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "link-label"]
    assert any(label == "financier (in the application)" for label in labels)
    assert "Okänd Finansiär — financier (in the application) → Krogen Stora Torget AB" in page
