"""The default checklist of a cooperation, and copying one.

The points are those of Boverket, *Plats för trygghet — inspirationsskrift för stadsbyggande och
brottsförebyggande åtgärder* (2010): lighting, vegetation, overview and sight lines, upkeep, alternative routes,
orientation, and people around (natural surveillance, after CPTED). Brå's guide *Trygghetsvandringar* walks them
with residents, property owners, municipality and police. A cooperation gets the default when it has no checklist
yet (when a walk is planned, or by the demo); its coordinators then edit or copy it.
"""

from __future__ import annotations

from django.db import transaction

from trygg.measures.models import Measure
from trygg.orgs.models import Cooperation
from trygg.walks.models import ChecklistQuestion, ChecklistTemplate

DEFAULT_NAME = "Trygghetsvandring, grundlista"
DEFAULT_SOURCE = "Boverket: Plats för trygghet (2010)"

# code, question, help, incident category, measure kind
DEFAULT_QUESTIONS: list[tuple[str, str, str, str, str]] = [
    (
        "belysning",
        "Är platsen väl upplyst, så att man ser ansikten på några meters håll?",
        "Trasiga eller bländande lampor, mörka partier mellan stolparna, oupplysta entréer och gångstråk.",
        "otrygg_plats",
        Measure.Kind.LIGHTING,
    ),
    (
        "vegetation",
        "Är buskar och träd skötta så att de inte skymmer sikten eller blir gömställen?",
        "Buskage högre än ungefär en meter intill gångvägar, låga grenar, igenvuxna stråk.",
        "otrygg_plats",
        Measure.Kind.DESIGN,
    ),
    (
        "siktlinjer",
        "Har man god överblick, utan skymda hörn, tunnlar eller prång?",
        "Ser man vart man ska och vem som kommer? Glasade partier, speglar och öppnare utformning hjälper.",
        "otrygg_plats",
        Measure.Kind.DESIGN,
    ),
    (
        "skotsel",
        "Är platsen ren och välskött, utan nedskräpning, klotter eller skadegörelse?",
        "Fulla papperskorgar, klotter, trasiga bänkar och skyltar. Snabb städning visar att någon bryr sig.",
        "nedskrapning",
        Measure.Kind.CLEANING,
    ),
    (
        "alternativa_vagar",
        "Finns det andra vägar att välja och möjlighet att ta sig undan?",
        "Återvändsgränder, långa tunnlar, stängda grindar och staket som hindrar att man väljer en annan väg.",
        "otrygg_plats",
        Measure.Kind.DESIGN,
    ),
    (
        "orientering",
        "Är det lätt att hitta — skyltar, landmärken och tydliga stråk?",
        "Vägvisning till hållplatser och entréer, gatunamn och kartor; syns det vart stråket leder?",
        "otrygg_plats",
        Measure.Kind.OTHER,
    ),
    (
        "folkliv",
        "Finns det människor och verksamheter i närheten som ser och hörs?",
        "Öppna entréer, fönster mot gatan, butiker och kaféer; hur platsen används vid olika tider på dygnet.",
        "otrygg_plats",
        Measure.Kind.OTHER,
    ),
]


def ensure_default(cooperation: Cooperation) -> ChecklistTemplate:
    """The cooperation's first checklist; the default (Boverket's points) is created when it has none."""
    existing = cooperation.walk_checklists.order_by("pk").first()
    if existing is not None:
        return existing
    with transaction.atomic():
        template, created = ChecklistTemplate.objects.get_or_create(
            cooperation=cooperation, name=DEFAULT_NAME, defaults={"source": DEFAULT_SOURCE}
        )
        if created:
            ChecklistQuestion.objects.bulk_create(
                ChecklistQuestion(
                    template=template,
                    position=i,
                    code=code,
                    text=text,
                    help=help_text,
                    category=category,
                    measure_kind=kind,
                )
                for i, (code, text, help_text, category, kind) in enumerate(DEFAULT_QUESTIONS, start=1)
            )
    return template


def copy_template(template: ChecklistTemplate, name: str) -> ChecklistTemplate:
    """A copy of ``template`` in the same cooperation under ``name`` (to adapt without changing the original)."""
    with transaction.atomic():
        copy = ChecklistTemplate.objects.create(cooperation=template.cooperation, name=name, source=template.source)
        ChecklistQuestion.objects.bulk_create(
            ChecklistQuestion(
                template=copy,
                **{k: getattr(q, k) for k in ("position", "code", "text", "help", "category", "measure_kind")},
            )
            for q in template.questions.all()
        )
    return copy


def copy_name(template: ChecklistTemplate) -> str:
    """ "Grundlista (kopia)", "Grundlista (kopia 2)" … : a name not yet used in the cooperation."""
    taken = set(ChecklistTemplate.objects.filter(cooperation=template.cooperation).values_list("name", flat=True))
    base = f"{template.name} (kopia)"
    n = 2
    name = base
    while name in taken:
        name = f"{template.name} (kopia {n})"
        n += 1
    return name[:200]
