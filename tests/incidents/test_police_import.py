"""The police-event importer: the real file, re-import, and every kind of bad input."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import POLICE_FILE
from trygg.core.importing import iter_json_records
from trygg.incidents.models import Incident
from trygg.incidents.police import import_events, occurred_from_name, parse_published

STHLM = ZoneInfo("Europe/Stockholm")


def event(event_id=1, **overrides):
    record = {
        "id": event_id,
        "datetime": "2026-03-05 14:05:00 +01:00",
        "name": "5 mars 13:40, Skadegörelse, Karlstad",
        "summary": "Fönster krossat.",
        "url": "/aktuellt/handelser/2026/mars/5/x/",
        "type": "Skadegörelse",
        "location": {"name": "Karlstad", "gps": "59.402724,13.511497"},
    }
    record.update(overrides)
    return record


def run(text: str, **kwargs):
    return import_events(iter_json_records(text.encode()), source="test", **kwargs)


def jsonl(*records) -> str:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"


@pytest.mark.django_db
def test_full_shared_file_imports_every_event_and_reimport_creates_nothing(base_data, tmp_path):
    with gzip.open(POLICE_FILE, "rt", encoding="utf-8") as fh:
        ids = {json.loads(line)["id"] for line in fh if line.strip()}
    out = io.StringIO()
    call_command("import_police_events", str(POLICE_FILE), stdout=out)
    assert Incident.objects.filter(source="police").count() == len(ids) == 85011
    assert "nya 85011" in out.getvalue()

    out = io.StringIO()
    call_command("import_police_events", str(POLICE_FILE), stdout=out)
    assert Incident.objects.filter(source="police").count() == len(ids)
    assert "nya 0" in out.getvalue()
    assert "inget nytt" in out.getvalue()


@pytest.mark.django_db
def test_an_event_is_stored_with_centroid_precision_and_its_fields(base_data):
    report = run(jsonl(event(42)))
    assert report.created == 1 and report.ok
    incident = Incident.objects.get(source="police", external_id="42")
    assert incident.municipality_id == "1780"
    assert incident.county_id == "17"
    assert incident.precision == "municipality"
    assert incident.category.code == "skadegorelse"
    assert incident.source_type == "Skadegörelse"
    assert incident.url == "https://polisen.se/aktuellt/handelser/2026/mars/5/x/"
    assert incident.description == "Fönster krossat."
    assert (incident.lat, incident.lon) == (59.402724, 13.511497)
    # the time in the name is when it happened; "datetime" is when it was published
    assert incident.occurred_start == dt.datetime(2026, 3, 5, 13, 40, tzinfo=STHLM)
    assert incident.reported_at == dt.datetime(2026, 3, 5, 14, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))


@pytest.mark.django_db
def test_county_events_and_case_differences_in_location_names(base_data):
    report = run(
        jsonl(
            event(
                1,
                name="5 mars 13:40, Skadegörelse, Värmlands län",
                location={"name": "Värmlands län", "gps": "59.729,13.235"},
            ),
            event(2, location={"name": "Upplands väsby", "gps": "59.51,17.91"}),
        )
    )
    assert report.created == 2
    county_event = Incident.objects.get(external_id="1")
    assert county_event.municipality_id is None and county_event.county_id == "17"
    assert county_event.precision == "county"
    assert Incident.objects.get(external_id="2").municipality.name == "Upplands Väsby"


def test_published_time_without_leading_zero_in_the_hour():
    assert parse_published("2023-01-02 5:07:09 +01:00") == dt.datetime(
        2023, 1, 2, 5, 7, 9, tzinfo=dt.timezone(dt.timedelta(hours=1))
    )


def test_occurred_time_from_the_name_handles_the_turn_of_the_year():
    published = dt.datetime(2024, 1, 1, 0, 30, tzinfo=STHLM)
    assert occurred_from_name("31 december 23:50, Brand, Örebro", published) == dt.datetime(
        2023, 12, 31, 23, 50, tzinfo=STHLM
    )
    assert occurred_from_name("Utan datum", published) is None


@pytest.mark.django_db
def test_truncated_json_array_imports_what_came_before_and_reports_the_line(base_data):
    text = "[\n" + json.dumps(event(1)) + ",\n" + json.dumps(event(2)) + ",\n" + json.dumps(event(3))[:40]
    report = run(text)
    assert report.created == 2
    assert len(report.rejected) == 1
    assert report.rejected[0].line == 4
    assert "truncated" in report.rejected[0].reason


@pytest.mark.django_db
def test_malformed_json_line_is_rejected_with_its_number_and_the_rest_imported(base_data):
    lines = [json.dumps(event(1)), '{"id": 2, "datetime": ', json.dumps(event(3))]
    report = run("\n".join(lines))
    assert report.created == 2
    assert [r.line for r in report.rejected] == [2]
    assert "malformed JSON" in report.rejected[0].reason


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ({"id": "abc"}, "'id' must be int"),
        ({"id": True}, "'id' must be int"),
        ({"datetime": 20260305}, "'datetime' must be a string"),
        ({"datetime": "igår"}, "not a date and time"),
        ({"type": None}, "'type' must be str"),
        ({"location": "Karlstad"}, "'location' must be dict"),
        ({"location": {"name": "Karlstad", "gps": "north"}}, "'location.gps'"),
        ({"location": {"name": "Karlstad", "gps": "95.0,13.5"}}, "out of range"),
        ({"location": {"name": "Atlantis", "gps": "59.4,13.5"}}, "unknown location 'Atlantis'"),
        ({"summary": ["a"]}, "'summary' must be str"),
    ],
)
def test_wrong_types_and_unknown_locations_are_rejected_with_the_reason(base_data, override, reason):
    report = run(jsonl(event(7), event(8, **override)))
    assert report.created == 1
    assert len(report.rejected) == 1
    assert report.rejected[0].line == 2
    assert reason in report.rejected[0].reason


@pytest.mark.django_db
def test_missing_field_is_named(base_data):
    record = event(9)
    del record["type"]
    report = run(jsonl(record))
    assert report.rejected[0].reason == "missing field 'type'"


@pytest.mark.django_db
def test_duplicate_ids_in_one_file_keep_the_first(base_data):
    report = run(jsonl(event(5, summary="first"), event(5, summary="second")))
    assert report.created == 1
    assert Incident.objects.get(external_id="5").description == "first"
    assert report.rejected[0].line == 2
    assert "duplicate event id 5 (first seen on line 1)" in report.rejected[0].reason


@pytest.mark.django_db
def test_unknown_police_type_is_filed_as_other_with_a_warning(base_data):
    report = run(jsonl(event(11, type="Helt ny typ")))
    assert report.created == 1
    assert Incident.objects.get(external_id="11").category.code == "ovrigt"
    assert any("Helt ny typ" in w for w in report.warnings)


@pytest.mark.django_db
def test_area_filter_keeps_only_the_named_municipalities_and_county_level_events(base_data):
    records = jsonl(
        event(1),
        event(2, location={"name": "Örebro", "gps": "59.27,15.21"}),
        event(3, location={"name": "Värmlands län", "gps": "59.729,13.235"}),
        event(4, location={"name": "Kristinehamn", "gps": "59.31,14.10"}),
    )
    report = run(records, only_areas={"1780", "17"})
    assert sorted(Incident.objects.values_list("external_id", flat=True)) == ["1", "3"]
    assert report.skipped == 2


@pytest.mark.django_db
def test_command_reads_gzip_and_json_arrays_and_exits_non_zero_on_rejections(base_data, tmp_path):
    path = tmp_path / "events.json.gz"
    path.write_bytes(gzip.compress(json.dumps([event(1), event(2, id="x")]).encode()))
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_police_events", str(path), stdout=io.StringIO(), stderr=err)
    assert excinfo.value.returncode == 1
    assert "1 record(s) rejected" in str(excinfo.value)
    assert "line 1: 'id' must be int" in err.getvalue()
    assert Incident.objects.filter(source="police").count() == 1


@pytest.mark.django_db
def test_command_says_clearly_when_the_file_is_missing(base_data, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_police_events", str(tmp_path / "nope.json"))


@pytest.mark.django_db
def test_url_fetches_over_http_the_same_way(base_data, police_api, settings):
    """--url against a real HTTP server on loopback (the tests stay offline)."""
    police_api.events = [event(101), event(102)]
    out = io.StringIO()
    call_command("import_police_events", "--url", settings.TRYGG_POLICE_API_URL, stdout=out)
    assert "nya 2" in out.getvalue()
    assert set(Incident.objects.values_list("external_id", flat=True)) == {"101", "102"}


@pytest.mark.django_db
def test_file_and_url_together_is_an_error(base_data):
    with pytest.raises(CommandError, match="either a FILE or --url"):
        call_command("import_police_events", "x.json", "--url", "http://127.0.0.1:1/")


ORE_LAN = {"name": "Örebro län", "gps": "59.535036,15.006573"}  # the county and its centroid, as since 2026-02


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("title", "municipality"),
    [
        ("03 mars 10.00, Mord/dråp, Degerfors", "1862"),  # the municipality at the end of the title
        ("02 mars 16.54, Stöld, Örebro", "1880"),
        ("01 mars 07.20, Sammanfattning natt, Örebro län", None),  # about the county: stays county-level
        ("02 mars 16.54, Stöld, Karlstad", None),  # a municipality of another county: not trusted
        ("02 mars 16.54, Stöld, Ingenstans", None),
    ],
)
def test_a_county_named_event_belongs_to_the_municipality_its_title_ends_with(base_data, title, municipality):
    """The feed's format since 2026-02 (county in ``location.name``): Örebro's own events count for Örebro."""
    from trygg.orgs.models import Municipality

    report = run(jsonl(event(7, name=title, location=ORE_LAN)))
    assert report.created == 1 and report.ok
    incident = Incident.objects.get(source="police", external_id="7")
    assert incident.municipality_id == municipality and incident.county_id == "18"
    if municipality is None:
        assert incident.precision == "county" and (incident.lat, incident.lon) == (59.535036, 15.006573)
    else:  # placed at the municipality's centroid, not the county's
        place = Municipality.objects.get(code=municipality)
        assert incident.precision == "municipality"
        assert (incident.lat, incident.lon) == (place.centroid_lat, place.centroid_lon)


@pytest.mark.django_db
def test_only_areas_keeps_a_municipalitys_events_in_both_formats(base_data):
    old = event(1, name="5 mars 13:40, Stöld, Örebro", location={"name": "Örebro", "gps": "59.27,15.21"})
    new = event(2, name="5 mars 13:40, Stöld, Örebro", location=ORE_LAN)
    elsewhere = event(3, name="5 mars 13:40, Stöld, Lindesberg", location=ORE_LAN)
    report = run(jsonl(old, new, elsewhere), only_areas={"1880"})
    assert report.created == 2 and report.skipped == 1
    assert set(Incident.objects.values_list("external_id", flat=True)) == {"1", "2"}


@pytest.mark.django_db
def test_the_shared_file_gives_orebro_its_own_events_after_the_format_changed(base_data):
    """On the real file: Örebro's municipality-level police events of 2026-03 were 0 (all county-level)."""
    only = {"1880", "1780"}
    with gzip.open(POLICE_FILE, "rt", encoding="utf-8") as fh:
        lines = [line for line in fh if '"2026-03' in line]
    report = import_events(iter_json_records("".join(lines).encode()), source="test", only_areas=only)
    assert report.ok
    march = Incident.objects.filter(source="police", occurred_start__year=2026, occurred_start__month=3)
    counts = {code: march.filter(municipality_id=code).count() for code in only}
    assert counts["1880"] >= 20 and counts["1780"] >= 10, counts
