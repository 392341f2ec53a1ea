"""What residents can report (Open311 services), each filed under an incident category when accepted.

Service codes are stable identifiers for apps; names and descriptions are Swedish, as residents see them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Attribute:
    code: str
    description: str
    datatype: str = "singlevaluelist"  # Open311: string, number, datetime, text, singlevaluelist, multivaluelist
    required: bool = False
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    description: str
    category: str  # incident category code when a coordinator accepts the tip
    group: str
    attributes: tuple[Attribute, ...] = field(default_factory=tuple)


WHEN = Attribute("tid", "När på dygnet?", values=(("dag", "Dag"), ("kvall", "Kväll"), ("natt", "Natt")))

SERVICES: tuple[Service, ...] = (
    Service(
        "otrygg-plats",
        "Otrygg plats",
        "En plats som känns otrygg, till exempel mörk, skymd eller öde.",
        "otrygg_plats",
        "Trygghet",
        (
            WHEN,
            Attribute(
                "orsak",
                "Vad gör platsen otrygg?",
                values=(
                    ("belysning", "Dålig belysning"),
                    ("skymd", "Skymd sikt, buskage"),
                    ("folk", "Personer som uppträder hotfullt"),
                    ("annat", "Annat"),
                ),
            ),
        ),
    ),
    Service(
        "belysning",
        "Trasig belysning",
        "Gatlykta eller annan belysning som inte fungerar.",
        "otrygg_plats",
        "Trygghet",
        (WHEN,),
    ),
    Service("klotter", "Klotter", "Klotter på fasader, elskåp, busskurer och liknande.", "klotter", "Miljö"),
    Service(
        "nedskrapning", "Nedskräpning", "Skräp, glassplitter eller överfulla papperskorgar.", "nedskrapning", "Miljö"
    ),
    Service(
        "skadegorelse",
        "Skadegörelse",
        "Något som har förstörts, till exempel en ruta eller en bänk.",
        "skadegorelse",
        "Miljö",
    ),
    Service(
        "storande-samling",
        "Samling som stör",
        "Grupper som stör eller skrämmer förbipasserande.",
        "samling_som_stor",
        "Trygghet",
        (WHEN,),
    ),
    Service("ovrigt", "Övrigt", "Något annat som påverkar tryggheten.", "ovrigt", "Övrigt"),
)

BY_CODE = {service.code: service for service in SERVICES}
