"""FollowTheMoney conformance: what Trygg exports validates with the followthemoney package, a file written by
followthemoney imports whole, and a file with one bad record leaves the dataset as it was."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.types import registry
from followthemoney.util import make_entity_id

from tests.screening.test_planted_case import planted  # noqa: F401  (a fixture)
from trygg.demo import screening as demo_screening
from trygg.screening.importers import export_ftm, import_ftm
from trygg.screening.models import Dataset, Entity, Relation

pytestmark = pytest.mark.django_db


def ftm_errors(objects: list[dict]) -> list[str]:
    """Everything followthemoney would not accept as it stands: unknown or abstract schemata, ids that are not
    FtM ids, duplicate ids, missing required properties, unknown properties, values that do not survive
    followthemoney's cleaning (which silently drops them), and references to entities that are not in the file or
    not of the property's range."""
    errors, schemata = [], {}
    for i, obj in enumerate(objects):
        where = f"object {i} ({obj.get('schema')} {obj.get('id')})"
        schema = model.get(obj.get("schema", ""))
        if schema is None or schema.abstract:
            errors.append(f"{where}: not a concrete schema")
            continue
        if not isinstance(obj.get("id"), str) or not registry.entity.validate(obj["id"]):
            errors.append(f"{where}: not a valid id")
        if obj.get("id") in schemata:
            errors.append(f"{where}: the id is used twice")
        schemata[obj.get("id")] = schema
        props = obj.get("properties", {})
        errors += [f"{where}: required {name!r} missing" for name in schema.required if not props.get(name)]
        for name, values in props.items():
            prop = schema.get(name)
            if prop is None:
                errors.append(f"{where}: {schema.name} has no property {name!r}")
                continue
            for value in values:
                if not isinstance(value, str) or prop.type.clean(value) is None:
                    errors.append(f"{where}: {name}={value!r} is not a valid {prop.type.name}")
        try:
            schema.validate(obj)
        except InvalidData as exc:
            errors.append(f"{where}: {exc.errors}")
    for obj in objects:
        schema = model.get(obj.get("schema", ""))
        for name, values in (obj.get("properties") or {}).items():
            prop = schema.get(name) if schema else None
            if prop is None or prop.type != registry.entity:
                continue
            for value in values:
                target = schemata.get(value)
                if target is None:
                    errors.append(f"{obj['id']}: {name} points to {value!r}, which is not in the file")
                elif not target.is_a(prop.range):
                    errors.append(f"{obj['id']}: {name} points to a {target.name}, not a {prop.range.name}")
    return errors


def export_dataset(name: str, tmp_path) -> list[dict]:
    target = tmp_path / f"{name}.jsonl"
    call_command("export_ftm", name, "-o", str(target), stdout=io.StringIO())
    return [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]


def test_the_checker_finds_what_the_old_export_got_wrong():
    bad = [
        {"id": "trygg-2-vasiliy aleksandrovich khristoforov|1972-03-12", "schema": "Person",
         "properties": {"name": ["Vasiliy Khristoforov"]}},
        {"id": "trygg-rel-1", "schema": "Ownership",
         "properties": {"owner": ["trygg-2-vasiliy aleksandrovich khristoforov|1972-03-12"], "asset": ["c"]}},
        {"id": "a1", "schema": "Address", "properties": {"full": ["Storgatan 1"], "colour": ["red"]}},
    ]  # fmt: skip
    found = "\n".join(ftm_errors(bad))
    assert "not a valid id" in found and "owner=" in found and "'c', which is not in the file" in found
    assert "no property 'colour'" in found


@pytest.mark.long
def test_the_export_of_the_demo_validates(demo_orgs, shared_data, tmp_path):
    demo_screening.load(shared_data)
    names = [demo_screening.REGISTRY_NAME, demo_screening.OWN_LIST_NAME, "OFAC SDN"]
    for name in names:
        exported = export_dataset(name, tmp_path)
        assert ftm_errors(exported) == [], name
    registry_objects = export_dataset(demo_screening.REGISTRY_NAME, tmp_path)
    schemata = {obj["schema"] for obj in registry_objects}
    assert {"Company", "Person", "Address", "Ownership", "Directorship"} <= schemata
    dataset = Dataset.objects.get(name=demo_screening.REGISTRY_NAME)
    links = sum(len(obj["properties"].get("addressEntity", [])) for obj in registry_objects)
    assert links == Relation.objects.filter(dataset=dataset, role="address").count() > 0
    edges = sum(obj["schema"] in ("Ownership", "Directorship", "UnknownLink") for obj in registry_objects)
    assert edges == Relation.objects.filter(dataset=dataset).exclude(role="address").count()
    assert len(registry_objects) == Entity.objects.filter(dataset=dataset).count() + edges


def test_the_export_of_the_planted_case_validates_and_keeps_the_sanctioned_owner(planted, tmp_path):  # noqa: F811
    exported = export_dataset("Register", tmp_path)
    assert ftm_errors(exported) == []
    by_id = {obj["id"]: obj for obj in exported}
    owner = next(o for o in exported if o["properties"].get("name") == ["Vasiliy Aleksandrovich Khristoforov"])
    owned = [o for o in exported if o["schema"] == "Ownership" and o["properties"]["owner"] == [owner["id"]]]
    assert [by_id[o["properties"]["asset"][0]]["properties"]["name"] for o in owned] == [["Nordlig Invest Holding AB"]]
    assert owned[0]["properties"]["percentage"] == ["100"]
    applicant = next(o for o in exported if o["properties"].get("name") == ["Krogen Hamnen AB"])
    (address_id,) = applicant["properties"]["addressEntity"]
    sharing = [o for o in exported if address_id in o["properties"].get("addressEntity", [])]
    assert len(sharing) == 40
    assert by_id[address_id]["schema"] == "Address"


def ftm_file() -> list[dict]:
    """A registry as followthemoney itself writes it (ids from make_id, an Address with only ``full``)."""

    def make(schema: str, *key: str, **props) -> dict:
        entity = model.make_entity(schema)
        entity.id = make_entity_id("test-registry", *key)
        for prop, values in props.items():
            entity.add(prop, values)
        return entity

    address = make("Address", "address", "hamngatan 10", full="Hamngatan 10, 652 24 Karlstad", country="se")
    company = make("Company", "556036-0793", name="Krogen Hamnen AB", registrationNumber="5560360793",
                   incorporationDate="2019-05", addressEntity=address.id, country="se")  # fmt: skip
    holding = make("Company", "holding", name="Nordlig Invest Holding AB", jurisdiction="se")
    owner = make("Person", "owner", name="Vasiliy Aleksandrovich Khristoforov", firstName="Vasiliy",
                 lastName="Khristoforov", birthDate="1972-03", idNumber="AB1234567", nationality="ru")  # fmt: skip
    ceo = make("Person", "ceo", name="Anna Berg", idNumber="19811228-9874", addressEntity=address.id)
    own1 = make("Ownership", "o1", owner=owner.id, asset=holding.id, percentage="100", startDate="2019")
    own2 = make("Ownership", "o2", owner=holding.id, asset=company.id, percentage="60")
    director = make("Directorship", "d1", director=ceo.id, organization=company.id, role="Managing director",
                    startDate="2026-11-18")  # fmt: skip
    lessor = make("UnknownLink", "l1", subject=holding.id, object=company.id, role="lessor")
    family = make("Family", "f1", person=owner.id, relative=ceo.id, relationship="cousin")
    return [e.to_dict() for e in (address, company, holding, owner, ceo, own1, own2, director, lessor, family)]


def as_stream(objects: list[dict]) -> io.BytesIO:
    return io.BytesIO("\n".join(json.dumps(o, ensure_ascii=False) for o in objects).encode())


def test_a_file_written_by_followthemoney_imports_whole(base_data):
    objects = ftm_file()
    assert ftm_errors(objects) == []
    report = import_ftm(as_stream(objects), "FtM-register", kind="registry")
    assert report.ok and report.stored and report.added == 5 and report.skipped == 0
    assert report.relations == 7  # two owners, a director, a lessor, two address links and the Family link
    cousin = Relation.objects.get(dataset__name="FtM-register", role="relative")
    assert cousin.detail == "cousin" and cousin.valid_to is None
    entities = {e.name: e for e in Entity.objects.filter(dataset__name="FtM-register")}
    company, owner, ceo = (
        entities["Krogen Hamnen AB"],
        entities["Vasiliy Aleksandrovich Khristoforov"],
        entities["Anna Berg"],
    )
    assert company.org_number == "556036-0793" and company.address == "Hamngatan 10, 652 24 Karlstad"
    assert company.properties["ftm"]["incorporationDate"] == ["2019-05"] and company.registered_on is None
    assert owner.birth_date == "1972-03" and owner.country == "RU"
    assert owner.properties["ftm"]["idNumber"] == ["AB1234567"]
    assert owner.properties["ftm"]["firstName"] == ["Vasiliy"] and owner.properties["ftm"]["lastName"] == [
        "Khristoforov"
    ]
    assert ceo.personal_number == "198112289874" and ceo.birth_date == "1981-12-28"
    roles = {
        (r.source.name, r.role, r.target.name, r.share) for r in Relation.objects.select_related("source", "target")
    }
    assert roles == {
        ("Vasiliy Aleksandrovich Khristoforov", "owner", "Nordlig Invest Holding AB", 100.0),
        ("Nordlig Invest Holding AB", "owner", "Krogen Hamnen AB", 60.0),
        ("Anna Berg", "ceo", "Krogen Hamnen AB", None),
        ("Nordlig Invest Holding AB", "lessor", "Krogen Hamnen AB", None),
        ("Krogen Hamnen AB", "address", "Hamngatan 10, 652 24 Karlstad", None),
        ("Anna Berg", "address", "Hamngatan 10, 652 24 Karlstad", None),
        ("Vasiliy Aleksandrovich Khristoforov", "relative", "Anna Berg", None),
    }
    assert Relation.objects.get(role="owner", share=100).valid_from.isoformat() == "2019-01-01"
    again = list(
        export_ftm(
            Entity.objects.filter(dataset__name="FtM-register"), Relation.objects.select_related("source", "target")
        )
    )
    assert ftm_errors(again) == []
    person = next(o for o in again if o["properties"].get("name") == ["Vasiliy Aleksandrovich Khristoforov"])
    assert person["properties"]["birthDate"] == ["1972-03"] and person["properties"]["idNumber"] == ["AB1234567"]
    assert person["properties"]["firstName"] == ["Vasiliy"]
    assert sorted(o["schema"] for o in again if o["schema"] not in ("Company", "Person", "Address")) == [
        "Directorship", "Family", "Ownership", "Ownership", "UnknownLink"
    ]  # fmt: skip


def snapshot(name: str) -> tuple:
    entities = sorted(Entity.objects.filter(dataset__name=name).values_list("key", "name", "org_number", "birth_date"))
    relations = sorted(
        Relation.objects.filter(dataset__name=name).values_list("source__key", "role", "target__key", "share")
    )
    return entities, relations


@pytest.mark.parametrize(
    "spoil",
    [
        lambda objs: [*objs[:4], {"id": "x", "schema": "Directorship", "properties": {"director": ["nobody"]}}],
        lambda objs: [*objs, {"id": objs[1]["id"], "schema": "Company", "properties": {"name": ["Dubblett AB"]}}],
        lambda objs: [*objs[:6], {**objs[6], "properties": {**objs[6]["properties"], "percentage": ["sextio"]}}],
        lambda objs: [*objs[:3], {**objs[3], "properties": {"birthDate": ["1972-13-40"], "name": ["V K"]}}],
    ],
    ids=["dangling edge", "duplicate id", "bad share", "bad date"],
)
def test_a_file_with_one_bad_record_leaves_the_dataset_unchanged(base_data, spoil):
    objects = ftm_file()
    import_ftm(as_stream(objects), "FtM-register", kind="registry")
    before = snapshot("FtM-register")
    changed = [dict(o) for o in objects]
    changed[2] = {**changed[2], "properties": {"name": ["Nytt Namn Holding AB"]}}
    report = import_ftm(as_stream(spoil(changed)), "FtM-register", kind="registry")
    assert not report.stored and len(report.rejected) >= 1
    assert "inget sparades" in report.summary()
    assert snapshot("FtM-register") == before


def test_the_command_says_nothing_was_stored(base_data, tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_bytes(as_stream(ftm_file()).getvalue())
    call_command("import_registry", "--ftm", str(good), "--name", "FtM-register", stdout=io.StringIO())
    before = snapshot("FtM-register")
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(good.read_bytes()[:-40])  # a truncated download
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_registry", "--ftm", str(bad), "--name", "FtM-register", stdout=out, stderr=err)
    assert excinfo.value.returncode == 1 and "inget sparades" in str(excinfo.value)
    assert "rad 10" in err.getvalue()
    assert snapshot("FtM-register") == before


def test_a_swedish_looking_number_with_a_wrong_check_digit_is_kept_with_a_warning(base_data):
    company = {"id": "c1", "schema": "Company",
               "properties": {"name": ["Fel Siffra AB"], "registrationNumber": ["559012-3451"]}}  # fmt: skip
    foreign = {"id": "c2", "schema": "Company",
               "properties": {"name": ["Nordsjø AS"], "registrationNumber": ["NO 912 345 678"]}}  # fmt: skip
    report = import_ftm(as_stream([company, foreign]), "FtM-register", kind="registry")
    assert report.stored
    (warning,) = report.warnings
    assert "rad 1" in warning and "559012-3451" in warning and "kontrollsiffra" in warning
    stored = Entity.objects.get(key="c1")
    assert stored.org_number == "" and stored.properties["ftm"]["registrationNumber"] == ["559012-3451"]


def test_a_watch_list_in_ftm_keeps_the_version_it_was_imported_with(base_data, tmp_path):
    path = tmp_path / "lista.jsonl"
    path.write_bytes(as_stream(ftm_file()).getvalue())
    call_command("import_watchlist", str(path), "--format", "ftm", "--name", "Sanktioner",
                 "--list-version", "2026-12-05", stdout=io.StringIO())  # fmt: skip
    assert Dataset.objects.get(name="Sanktioner").version == "2026-12-05"  # said by every run that reads it
