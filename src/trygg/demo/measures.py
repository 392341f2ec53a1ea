"""Generated measures for the demo: problem places in both city centres, measures (one evaluated), an
agreement with goals for Karlstad, and two weekly EST meetings. Labelled as generated demo data."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from trygg.core.periods import current
from trygg.demo.orgs import KARLSTAD, OREBRO
from trygg.measures import meetings
from trygg.measures.evaluate import chart, evaluate
from trygg.measures.models import Agreement, Evaluation, Goal, Measure, Meeting, ProblemPlace
from trygg.orgs.models import Cooperation, Organisation, Place


def box(lat: float, lon: float, half_m: float) -> dict:
    dlat, dlon = half_m / 111_320, half_m / 56_700
    ring = [
        [lon - dlon, lat - dlat],
        [lon + dlon, lat - dlat],
        [lon + dlon, lat + dlat],
        [lon - dlon, lat + dlat],
        [lon - dlon, lat - dlat],
    ]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def load(today: dt.date) -> dict:
    if ProblemPlace.objects.filter(is_generated=True).exists():
        return {}
    orgs = {o.slug: o for o in Organisation.objects.filter(is_demo=True)}
    coop = Cooperation.objects.get(slug="trygga-centrum")
    with transaction.atomic():
        rese = ProblemPlace.objects.create(
            municipality_id=KARLSTAD,
            name="Resecentrum",
            geometry=box(59.3780, 13.4985, 110),
            categories=["klotter", "samling_som_stor", "otrygg_plats"],
            organisation=orgs["karlstads-kommun"],
            scanning="EST-rapporterna visar ökande klotter och störande samlingar kvällstid sedan hösten 2025.",
            analysis="Skymd gångtunnel, trasig belysning och en väntplats utan personal efter kl. 21.",
            is_generated=True,
        )
        stortorget = ProblemPlace.objects.create(
            municipality_id=OREBRO,
            name="Stortorget",
            geometry=box(59.2727, 15.2130, 110),
            categories=["nedskrapning"],
            organisation=orgs["orebro-kommun"],
            scanning="Nedskräpning efter helgnätter dominerade rapporterna 2024.",
            analysis="För få papperskorgar och sen tömning efter krogarnas stängning.",
            status=ProblemPlace.Status.MONITORING,
            is_generated=True,
        )
        jarntorget = ProblemPlace.objects.create(
            municipality_id=OREBRO,
            name="Järntorget",
            geometry=box(59.2702, 15.2095, 90),
            categories=["narkotika"],
            organisation=orgs["lpo-orebro"],
            scanning="Återkommande rapporter om misstänkt langning.",
            is_generated=True,
        )
        cleaning = Measure.objects.create(
            title="Extra städning och fler papperskorgar vid Stortorget",
            kind=Measure.Kind.CLEANING,
            municipality_id=OREBRO,
            owner=orgs["orebro-kommun"],
            contact="Gatuenheten",
            problem_place=stortorget,
            start=dt.date(2025, 5, 1),
            end=dt.date(2026, 4, 30),
            cost=420000,
            treated_area=stortorget.geometry,
            control_area=box(59.2745, 15.2170, 110),
            buffer_m=150,
            categories=["nedskrapning"],
            status=Measure.Status.DONE,
            public=True,
            public_summary="Torget städas nu tidigt varje lördag och söndag, och det finns tio nya papperskorgar.",
            internal_notes="Kostnaden delades med City Örebro.",
            lessons="Tidig helgstädning gav mest effekt; utvärdera med Slottsparken som kontroll.",
            is_generated=True,
        )
        cleaning.participants.set([orgs["city-orebro"], orgs["fastighetsagarna"]])
        result = evaluate(cleaning, dt.date(2024, 5, 1), dt.date(2025, 5, 1), dt.date(2025, 5, 1), dt.date(2026, 5, 1))
        Evaluation.objects.create(
            measure=cleaning,
            before_start=dt.date(2024, 5, 1),
            before_end=dt.date(2025, 5, 1),
            after_start=dt.date(2025, 5, 1),
            after_end=dt.date(2026, 5, 1),
            result=result,
            chart=chart(cleaning, dt.date(2024, 5, 1), dt.date(2026, 5, 1)),
        )
        light = Measure.objects.create(
            title="Belysning och klottersanering i gångtunneln vid Resecentrum",
            kind=Measure.Kind.LIGHTING,
            municipality_id=KARLSTAD,
            owner=orgs["karlstads-kommun"],
            problem_place=rese,
            start=today - dt.timedelta(days=40),
            end=today + dt.timedelta(days=120),
            treated_area=rese.geometry,
            control_area=box(59.3815, 13.4995, 100),
            categories=["klotter", "samling_som_stor"],
            status=Measure.Status.ONGOING,
            public=True,
            public_summary="Ny belysning och snabbare klottersanering i gångtunneln vid Resecentrum.",
            is_generated=True,
        )
        light.participants.set([orgs["centrum-karlstad"], orgs["lpo-karlstad"]])
        Measure.objects.create(
            title="Trygghetsvandring i centrum med Centrum Karlstad",
            kind=Measure.Kind.OTHER,
            municipality_id=KARLSTAD,
            owner=orgs["centrum-karlstad"],
            due=today + dt.timedelta(days=21),
            status=Measure.Status.PLANNED,
            is_generated=True,
        )
        Measure.objects.create(  # past due since yesterday: the owner gets the first reminder today
            title="Sanera klottret på Centrum Karlstads fastigheter vid Stora torget",
            kind=Measure.Kind.CLEANING,
            municipality_id=KARLSTAD,
            owner=orgs["centrum-karlstad"],
            start=today - dt.timedelta(days=30),
            due=today - dt.timedelta(days=1),
            status=Measure.Status.ONGOING,
            categories=["klotter"],
            is_generated=True,
        )
        Measure.objects.create(
            title="Ökad polisnärvaro fredag–lördag kväll vid Järntorget",
            kind=Measure.Kind.POLICE,
            municipality_id=OREBRO,
            owner=orgs["lpo-orebro"],
            problem_place=jarntorget,
            start=today - dt.timedelta(days=90),
            due=today - dt.timedelta(days=5),
            status=Measure.Status.ONGOING,
            categories=["narkotika"],
            is_generated=True,
        )
        area = Place.objects.update_or_create(
            municipality_id=KARLSTAD, name="Resecentrumområdet", defaults={"geometry": rese.geometry, "is_demo": True}
        )[0]
        agreement = Agreement.objects.create(
            municipality_id=KARLSTAD,
            kind=Agreement.Kind.AGREEMENT,
            title="Samverkansöverenskommelse Karlstads kommun och Lokalpolisområde Karlstad 2025–2027",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2027, 12, 31),
            problems="1. Klotter och störande samlingar vid Resecentrum.\n2. Otrygghet i centrum kvällstid.",
            causes="Brister i den fysiska miljön och få vuxna i rörelse kvällstid.",
            is_generated=True,
        )
        agreement.signatories.set([orgs["karlstads-kommun"], orgs["lpo-karlstad"]])
        agreement.activities.set([light])
        Goal.objects.create(
            agreement=agreement,
            description="Minska klotter och störande samlingar vid Resecentrum med 20 %",
            indicator=Goal.Indicator.INCIDENT_RATE,
            categories=["klotter", "samling_som_stor"],
            area=area,
            baseline_start=dt.date(2024, 1, 1),
            baseline_end=dt.date(2025, 1, 1),
            target_change=-0.2,
        )
        Goal.objects.create(
            agreement=agreement,
            description="Minska otryggheten i kommunen (otrygghetsindex) med 10 %",
            indicator=Goal.Indicator.SURVEY_INDEX,
            survey_index="otrygghet",
            baseline_start=today - dt.timedelta(days=400),
            baseline_end=today - dt.timedelta(days=300),
            target_change=-0.1,
        )
        this_week = current("week", today)
        for week, minutes in (
            (this_week.shifted(-1), "Genomgång av veckans lägesbild. Beslut om trygghetsvandring."),
            (this_week, "Uppföljning av förra veckans beslut."),
        ):
            meeting = Meeting.objects.create(
                cooperation=coop,
                week=week.key,
                held_on=week.start + dt.timedelta(days=1),
                attendees="Karlstads kommun, Örebro kommun, LPO Karlstad, LPO Örebro, "
                "Centrum Karlstad, City Örebro, Fastighetsägarna",
                minutes=minutes,
                is_generated=True,
            )
            meeting.agenda = meetings.build_agenda(coop, week.shifted(-1).key, today)  # the week before, as the job
            meeting.save(update_fields=["agenda"])
            if week != this_week:
                decision = meetings.decide(
                    meeting,
                    "Byt trasig belysning på Järnvägsgatan",
                    orgs["karlstads-kommun"],
                    today + dt.timedelta(days=10),
                    rese.municipality,
                    Measure.Kind.LIGHTING,
                    None,
                )
                decision.measure.is_generated = True
                decision.measure.save(update_fields=["is_generated"])
    return {
        "problem_places": 3,
        "measures": Measure.objects.filter(is_generated=True).count(),
        "meetings": 2,
        "evaluation": result["verdict"],
    }
