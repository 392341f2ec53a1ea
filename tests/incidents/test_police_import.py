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
    assert "avbruten" in report.rejected[0].reason


@pytest.mark.django_db
def test_malformed_json_line_is_rejected_with_its_number_and_the_rest_imported(base_data):
    lines = [json.dumps(event(1)), '{"id": 2, "datetime": ', json.dumps(event(3))]
    report = run("\n".join(lines))
    assert report.created == 2
    assert [r.line for r in report.rejected] == [2]
    assert "felaktig JSON" in report.rejected[0].reason


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ({"id": "abc"}, "'id' ska vara int"),
        ({"id": True}, "'id' ska vara int"),
        ({"datetime": 20260305}, "'datetime' ska vara str"),
        ({"datetime": "igår"}, "är inte en tidpunkt"),
        ({"type": None}, "'type' ska vara str"),
        ({"location": "Karlstad"}, "'location' ska vara dict"),
        ({"location": {"name": "Karlstad", "gps": "north"}}, "'location.gps'"),
        ({"location": {"name": "Karlstad", "gps": "95.0,13.5"}}, "utanför giltigt område"),
        ({"location": {"name": "Atlantis", "gps": "59.4,13.5"}}, "okänd plats 'Atlantis'"),
        ({"summary": ["a"]}, "'summary' ska vara str"),
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
    assert report.rejected[0].reason == "fältet 'type' saknas"


@pytest.mark.django_db
def test_duplicate_ids_in_one_file_keep_the_first(base_data):
    report = run(jsonl(event(5, summary="first"), event(5, summary="second")))
    assert report.created == 1
    assert Incident.objects.get(external_id="5").description == "first"
    assert report.rejected[0].line == 2
    assert "händelse-id 5 finns två gånger (först på rad 1)" in report.rejected[0].reason


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
    assert "1 avvisade" in str(excinfo.value)
    assert "rad 1: 'id' ska vara int" in err.getvalue()
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


@pytest.mark.django_db
def test_the_report_counts_the_events_that_could_be_placed_only_in_their_county(base_data):
    text = jsonl(
        event(1),  # Karlstad
        event(2, name="03 mars 10.00, Mord/dråp, Degerfors", location=ORE_LAN),  # placed in Degerfors
        event(3, name="01 mars 07.20, Sammanfattning natt, Örebro län", location=ORE_LAN),
        event(4, name="5 mars 13:40, Brand, Värmlands län", location={"name": "Värmlands län", "gps": "59.729,13.235"}),
        event(5, location={"name": "Atlantis", "gps": "59.4,13.5"}),  # rejected: not counted anywhere
    )
    report = run(text)
    assert (report.created, report.county_level, len(report.rejected)) == (4, 2, 1)
    assert Incident.objects.filter(source="police", municipality=None).count() == 2
    assert "nya 4 (bara på länsnivå 2)," in report.summary()

    again = run(text)  # nothing created: nothing counted, and the summary does not mention it
    assert (again.already_present, again.county_level) == (4, 0)
    assert "länsnivå" not in again.summary()


@pytest.mark.django_db
def test_events_of_one_place_are_each_placed_by_their_own_title_and_coordinates(base_data):
    """The importer remembers places (location name, the title's last part, gps): each event still gets its own."""
    from trygg.orgs.models import Municipality

    records = [
        event(1, name="03 mars 10.00, Stöld, Degerfors", location=ORE_LAN),
        event(2, name="03 mars 11.00, Stöld, Örebro", location=ORE_LAN),
        event(3, name="03 mars 12.00, Inbrott, Degerfors", location=ORE_LAN),
        event(4, name="03 mars 13.00, Stöld, Örebro län", location=ORE_LAN),
        event(5, location={"name": "Karlstad", "gps": "59.402724,13.511497"}),
        event(6, location={"name": "karlstad", "gps": "59.5,13.6"}),
        event(7, location={"name": "Karlstad", "gps": "north"}),  # a known place, but its coordinates are wrong
        event(8, name="03 mars 14.00, Stöld, Degerfors", location={"name": "Örebro län", "gps": "95,15"}),
        event(9, name="03 mars 15.00, Stöld, Degerfors", location={"name": "Värmlands län", "gps": "59.729,13.235"}),
    ]
    report = run(jsonl(*records))
    assert report.created == 7 and [r.line for r in report.rejected] == [7, 8]
    assert "'location.gps'" in report.rejected[0].reason and "utanför giltigt område" in report.rejected[1].reason
    stored = {
        int(i): (m, c, lat, lon, p)
        for i, m, c, lat, lon, p in Incident.objects.values_list(
            "external_id", "municipality_id", "county_id", "lat", "lon", "precision"
        )
    }
    places = {m.code: (m.centroid_lat, m.centroid_lon) for m in Municipality.objects.filter(code__in=["1862", "1880"])}
    assert stored[1] == stored[3] == ("1862", "18", *places["1862"], "municipality")
    assert stored[2] == ("1880", "18", *places["1880"], "municipality")
    assert stored[4] == (None, "18", 59.535036, 15.006573, "county")
    assert stored[5] == ("1780", "17", 59.402724, 13.511497, "municipality")
    assert stored[6] == ("1780", "17", 59.5, 13.6, "municipality")
    assert stored[9] == (None, "17", 59.729, 13.235, "county")  # Degerfors is not in Värmland


@pytest.mark.parametrize(
    "value",
    [
        "2022-09-26 15:55:23 +02:00",
        "2023-03-24 7:46:36 +01:00",
        "2023-03-26 02:30:00 +01:00",
        "2023-01-02 5:07:09",
        "2023-01-02T05:07:09Z",
        " 2023-01-02 05:07:09 +0100 ",
        "2023-01-02 05:07:09 +14:30",
        "2023-02-30 10:00:00 +01:00",
        "2023-02-28 24:00:00 +01:00",
        "2023-02-28 10:00:00 +25:00",
        "２０２３-01-02 05:07:09 +01:00",
        "igår",
        20260305,
        None,
    ],
)
def test_the_feeds_own_datetime_form_is_read_as_parse_published_reads_it(value):
    from trygg.core.importing import RecordError
    from trygg.incidents.police import _published

    try:
        expected = parse_published(value)
    except RecordError as exc:
        with pytest.raises(RecordError) as caught:
            _published(value)
        assert str(caught.value) == str(exc)
    else:
        got = _published(value)
        assert (got, got.utcoffset()) == (expected, expected.utcoffset())


@pytest.mark.django_db
def test_a_nul_character_is_rejected_at_its_line_and_an_escaped_backslash_is_not_one(base_data):
    lines = [json.dumps(event(1, summary="a\x00b")), json.dumps(event(2, summary="C:\\u0000")), json.dumps(event(3))]
    assert "\\u0000" in lines[0] and "\\\\u0000" in lines[1]
    report = run("\n".join(lines))
    assert report.created == 2 and [r.line for r in report.rejected] == [1]
    assert "NUL" in report.rejected[0].reason
    assert Incident.objects.get(external_id="2").description == "C:\\u0000"


@pytest.mark.django_db
def test_spaces_around_a_json_line_are_allowed_and_text_after_it_is_malformed_json(base_data):
    lines = [json.dumps(event(1)) + "  ", json.dumps(event(2)) + " x", "\t" + json.dumps(event(3))]
    report = run("\n".join(lines))
    assert report.created == 2 and [r.line for r in report.rejected] == [2]
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads(lines[1])
    assert report.rejected[0].reason == f"felaktig JSON ({caught.value.msg} i kolumn {caught.value.colno})"


def many_events(n: int) -> list[dict]:
    """Events every 7 minutes from 2 March 2026, each published 20 minutes after it happened."""
    start = dt.datetime(2026, 3, 2, tzinfo=STHLM)
    times = [start + dt.timedelta(minutes=7 * i) for i in range(n)]
    return [
        event(
            1000 + i,
            datetime=f"{t + dt.timedelta(minutes=20):%Y-%m-%d %H:%M:%S} +01:00",
            name=f"{t.day} mars {t:%H:%M}, Stöld, Karlstad",
        )
        for i, t in enumerate(times)
    ]


@pytest.mark.django_db
def test_more_events_than_one_insert_statement_holds_are_stored_in_the_files_order(base_data):
    records = many_events(1234)
    report = run(jsonl(*records))
    assert report.created == 1234 and report.ok
    assert list(Incident.objects.order_by("id").values_list("external_id", flat=True)) == [
        str(r["id"]) for r in records
    ]
    start = dt.datetime(2026, 3, 2, tzinfo=STHLM)
    for i, (record, incident) in enumerate(zip(records, Incident.objects.order_by("id"), strict=True)):
        assert incident.occurred_start == start + dt.timedelta(minutes=7 * i)
        assert incident.reported_at == incident.occurred_start + dt.timedelta(minutes=20)
        assert incident.reported_at == parse_published(record["datetime"])
        assert incident.created_at == incident.updated_at


@pytest.mark.django_db
def test_a_row_the_database_refuses_stores_nothing_of_the_import(base_data):
    """All-or-nothing in the database: a refused row (here a latitude out of range) rolls back the rows before it,
    also those already sent in earlier statements, and the error is Django's."""
    from django.db import IntegrityError

    from trygg.core.bulk import insert_rows
    from trygg.incidents.police import INSERT_FIELDS, AreaResolver, CategoryResolver, EventRows

    convert = EventRows(AreaResolver(), CategoryResolver())
    rows = [list(convert.row(record, str(record["id"]))) for record in many_events(1200)]
    rows[1100][INSERT_FIELDS.index("lat")] = 95.0
    with pytest.raises(IntegrityError):
        insert_rows(Incident, INSERT_FIELDS, rows)
    assert not Incident.objects.filter(source="police").exists()
    assert insert_rows(Incident, INSERT_FIELDS, rows[:1100]) == 1100


@pytest.mark.django_db
def test_a_file_reimport_passes_over_stored_events_unparsed_and_still_sees_repeats_and_new_ones(base_data):
    """import_event_file reads only the id of a line whose event is stored; what is new or repeated is as before."""
    from trygg.incidents.police import import_event_file

    first = import_event_file(jsonl(event(1), event(2)).encode(), source="test")
    assert (first.created, first.already_present) == (2, 0)
    # a stored event's line that is no longer valid JSON is passed over as already present (it is not read) ...
    damaged = '{"id": 1, "datetime": "2026-03-05 14:05:00 +01:00", "name": broken\n'
    # ... but a line with a second "id" (here inside location) is parsed in full: the leading one may not be its own
    nested = event(2, location={"name": "Karlstad", "gps": "59.402724,13.511497", "id": 7})
    text = damaged + jsonl(nested, event(3)) + jsonl(event(1))
    again = import_event_file(text.encode(), source="test")
    assert (again.read, again.created, again.already_present) == (4, 1, 2)
    assert [r.line for r in again.rejected] == [4]
    assert "händelse-id 1 finns två gånger (först på rad 1)" in again.rejected[0].reason
    assert set(Incident.objects.values_list("external_id", flat=True)) == {"1", "2", "3"}
    # the same text through the records reader: the damaged line is rejected there (so line 4 is no repeat)
    whole = run(text)
    assert (whole.read, whole.created, whole.already_present) == (3, 0, 3)
    assert [r.line for r in whole.rejected] == [1]
