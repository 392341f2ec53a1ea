"""Demo safety walks in Karlstad (generated demo data, labelled as such): a finished evening walk through the city
centre with four stops, answers, two generated pictures and proposed measures, and a walk planned for today in
which ``karlstad.samordnare`` and ``centrum.rapportor`` take part (the offline browser test walks it)."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from trygg.core.photos import clean_photo
from trygg.demo.orgs import KARLSTAD
from trygg.orgs.models import Cooperation, Organisation, Place, User
from trygg.walks.checklists import ensure_default
from trygg.walks.models import Answer, Stop, StopPhoto, Walk

DONE_TITLE = "Trygghetsvandring Centrum"
PLANNED_TITLE = "Kvällsvandring Järnvägsparken–Resecentrum"

# number, lat, lon, {code: (verdict, comment)}, note, proposal, suggested owner, picture
STOPS = [
    (
        1,
        59.37935,
        13.50390,
        {"belysning": ("ok", ""), "folkliv": ("ok", "Mycket folk vid uteserveringarna."), "skotsel": ("ok", "")},
        "Torget känns tryggt kvällstid så länge serveringarna har öppet.",
        "",
        None,
        None,
    ),
    (
        2,
        59.37735,
        13.50080,
        {
            "belysning": ("problem", "Två armaturer släckta längs gångvägen mot ån."),
            "vegetation": ("problem", "Höga buskar skymmer sikten in i parken."),
            "siktlinjer": ("problem", ""),
            "folkliv": ("problem", "Folktomt efter kl. 21."),
            "skotsel": ("ok", ""),
        },
        "Flera i gruppen säger att de undviker parken när det är mörkt.",
        "Byt de trasiga armaturerna och gallra buskaget längs gångvägen till under en meters höjd.",
        "karlstads-kommun",
        "dark_path",
    ),
    (
        3,
        59.37825,
        13.49905,
        {
            "siktlinjer": ("problem", "Gångtunneln har skymda hörn i båda ändar."),
            "alternativa_vagar": ("problem", "Ingen annan väg till perrongerna utan lång omväg."),
            "skotsel": ("problem", "Klotter på väggarna, full papperskorg."),
            "orientering": ("ok", ""),
        },
        "Klotter och nedskräpning i gångtunneln mot perrongerna.",
        "Sätt upp speglar i tunnelns hörn och klottersanera; tätare tömning av papperskorgen.",
        "fastighetsagarna",
        "tunnel",
    ),
    (
        4,
        59.38130,
        13.49980,
        {
            "orientering": ("problem", "Ingen skylt mot stationen från strandpromenaden."),
            "belysning": ("ok", ""),
            "vegetation": ("na", ""),
        },
        "Besökare hittar inte vägen från Sandgrundsudden till resecentrum.",
        "Vägvisning från strandpromenaden till stationen.",
        "centrum-karlstad",
        None,
    ),
]


def _font(size: int):
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def picture(kind: str) -> bytes:
    """A drawn picture (not a photo) for the demo, with the words "Genererad bild (demo)" on it."""
    image = Image.new("RGB", (960, 640), (22, 30, 52))
    draw = ImageDraw.Draw(image)
    for y in range(400, 640):  # the ground
        shade = 40 + (y - 400) // 6
        draw.line([(0, y), (960, y)], fill=(shade, shade, shade + 5))
    if kind == "dark_path":
        draw.polygon([(380, 640), (580, 640), (500, 400), (460, 400)], fill=(90, 88, 80))  # the path
        for x, lit in ((200, True), (700, False)):  # lamp posts, one dark
            draw.rectangle([x - 6, 180, x + 6, 430], fill=(60, 60, 60))
            draw.ellipse([x - 28, 150, x + 28, 196], fill=(255, 236, 170) if lit else (70, 70, 75))
            if lit:
                draw.ellipse([x - 120, 380, x + 120, 470], fill=(70, 66, 52))
        for x in range(0, 960, 90):  # bushes
            if not 330 < x < 600:
                draw.ellipse([x, 330, x + 150, 470], fill=(18, 62, 30))
    else:
        draw.rectangle([160, 160, 800, 560], fill=(70, 70, 74))  # the tunnel mouth
        draw.rectangle([260, 260, 700, 560], fill=(12, 12, 16))
        for x, text in ((190, "TAG"), (720, "XZ")):
            draw.text((x, 200), text, fill=(220, 60, 140), font=_font(44))
        draw.rectangle([620, 470, 660, 560], fill=(40, 110, 60))  # a bin
    draw.rectangle([0, 584, 960, 640], fill=(255, 244, 214))
    draw.text((20, 600), "Genererad bild (demo) - inte ett foto", fill=(107, 77, 0), font=_font(30))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def load(today: dt.date) -> str:
    """Load the demo walks once (the planned one is moved to today while it has no stops); says what it did."""
    orgs = {o.slug: o for o in Organisation.objects.filter(is_demo=True)}
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["karlstad.samordnare", "polis.karlstad", "centrum.rapportor", "fastighet.rapportor"]
        )
    }
    template = ensure_default(Cooperation.objects.get(slug="trygga-centrum"))
    centrum = Place.objects.get(municipality_id=KARLSTAD, name="Centrum")
    created = 0
    with transaction.atomic():
        planned = Walk.objects.filter(title=PLANNED_TITLE, is_generated=True).first()
        if planned is None:
            planned = _walk(PLANNED_TITLE, _at(today, 18), orgs, template, centrum, Walk.Status.PLANNED)
            planned.organisations.set([orgs["centrum-karlstad"], orgs["lpo-karlstad"]])
            planned.participants.set([users["karlstad.samordnare"], users["centrum.rapportor"]])
            created += 1
        elif planned.status == Walk.Status.PLANNED and not planned.stops.exists():
            Walk.objects.filter(pk=planned.pk).update(starts_at=_at(today, 18))
        if not Walk.objects.filter(title=DONE_TITLE, is_generated=True).exists():
            done = _walk(
                DONE_TITLE,
                _at(today - dt.timedelta(days=14), 19),
                orgs,
                template,
                centrum,
                Walk.Status.DONE,
                residents="8 boende",
            )
            done.organisations.set([orgs["lpo-karlstad"], orgs["centrum-karlstad"], orgs["fastighetsagarna"]])
            done.participants.set(users.values())
            _stops(done, orgs, users["karlstad.samordnare"])
            created += 1
    if not created:
        return _("Safety walks (generated demo data): already there.")
    return _("Safety walks (generated demo data): %(n)s new; the planned one is at %(url)s") % {
        "n": created,
        "url": f"/trygghetsvandringar/{planned.pk}/",
    }


def _walk(title, when, orgs, template, area, status, residents: str = "") -> Walk:
    return Walk.objects.create(
        title=title,
        municipality_id=KARLSTAD,
        area=area,
        starts_at=when,
        organiser=orgs["karlstads-kommun"],
        residents=residents,
        template=template,
        checklist_name=template.name,
        checklist_source=template.source,
        questions=template.snapshot(),
        status=status,
        is_generated=True,
    )


def _stops(walk: Walk, orgs: dict, user) -> None:
    places = {p.name: p for p in Place.objects.filter(municipality_id=KARLSTAD)}
    for number, lat, lon, answers, note, proposal, owner, kind in STOPS:
        stop = Stop.objects.create(
            walk=walk,
            number=number,
            lat=lat,
            lon=lon,
            place=places.get("Stora torget") if number == 1 else None,
            note=note,
            proposal=proposal,
            proposal_owner=orgs.get(owner) if owner else None,
            created_by=user,
            is_generated=True,
        )
        Stop.objects.filter(pk=stop.pk).update(created_at=walk.starts_at + dt.timedelta(minutes=20 * number))
        Answer.objects.bulk_create(
            Answer(stop=stop, code=code, verdict=verdict, comment=comment)
            for code, (verdict, comment) in answers.items()
        )
        if kind:
            upload = SimpleUploadedFile(f"{kind}.png", picture(kind), content_type="image/png")
            StopPhoto.objects.create(stop=stop, name=clean_photo(upload, folder="walks"), is_generated=True)
