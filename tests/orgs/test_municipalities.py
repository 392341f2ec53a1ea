import csv

import pytest

from trygg.orgs.loaders import municipality_at
from trygg.orgs.models import County, Municipality

pytestmark = pytest.mark.django_db


def test_all_municipalities_with_scb_codes_population_and_boundaries(base_data, shared_data):
    with open(shared_data / "stats" / "population_scb_2024.csv", encoding="utf-8") as fh:
        population = {row["kommun_kod"]: int(row["population"]) for row in csv.DictReader(fh)}
    assert Municipality.objects.count() == len(population) == 290
    assert County.objects.count() == 21
    karlstad = Municipality.objects.get(code="1780")
    assert karlstad.name == "Karlstad" and karlstad.county.name == "Värmlands län"
    assert karlstad.population == population["1780"]
    assert not Municipality.objects.filter(boundary__isnull=True).exists()


def test_boundaries_place_points_in_the_right_municipality(base_data):
    assert municipality_at(13.5035, 59.3794).code == "1780"  # Stora torget, Karlstad
    assert municipality_at(15.2130, 59.2727).code == "1880"  # Stortorget, Örebro
    assert municipality_at(18.0686, 59.3293).code == "0180"  # Stockholm
    assert municipality_at(0.0, 0.0) is None
