"""The incident category taxonomy (händelsekategorier), version by version.

Version 1 holds the EST event types that trained reporters choose from, the categories that only
police events use, and a mapping from every police event type seen in the polisen.se events feed
(2022-09 … 2026-08) to a category. A police type not in the mapping is filed under "ovrigt" and the
importer says so.

A new version is added as a new entry in ``VERSIONS``; incidents keep the category (and so the
version) they were filed under.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CategorySpec:
    code: str
    label_sv: str
    label_en: str
    est: bool  # offered in the EST reporting form
    in_statistics: bool = True  # False for summaries and notices that are not incidents


V1_CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec("skadegorelse", "Skadegörelse", "Vandalism", True),
    CategorySpec("klotter", "Klotter", "Graffiti", True),
    CategorySpec("nedskrapning", "Nedskräpning", "Littering", True),
    CategorySpec("otrygg_plats", "Otrygg plats", "Place that feels unsafe", True),
    CategorySpec("samling_som_stor", "Samling som stör", "Disturbing gathering", True),
    CategorySpec("narkotika", "Misstänkt narkotikahantering", "Suspected drug dealing", True),
    CategorySpec("vald_hot", "Våld/hot", "Violence/threats", True),
    CategorySpec("stold_inbrott", "Stöld/inbrott", "Theft/burglary", True),
    CategorySpec("brand", "Brand", "Fire", True),
    CategorySpec("berusning", "Berusning", "Intoxication", True),
    CategorySpec("buskorning", "Buskörning", "Reckless driving", True),
    CategorySpec("ovrigt", "Övrigt", "Other", True),
    CategorySpec("ran", "Rån", "Robbery", False),
    CategorySpec("grovt_vald", "Grovt våld, skjutning, sprängning", "Lethal violence, shootings, explosions", False),
    CategorySpec("vapen", "Vapen och kniv", "Weapons and knives", False),
    CategorySpec("sexualbrott", "Sexualbrott", "Sexual offences", False),
    CategorySpec("bedrageri", "Bedrägeri och ekobrott", "Fraud and economic crime", False),
    CategorySpec("trafik", "Trafik", "Traffic", False),
    CategorySpec("olycka", "Olycka och räddning", "Accidents and rescue", False),
    CategorySpec("polis_ovrigt", "Polisinsats, kontroll, efterlysning", "Police operations and notices", False),
    CategorySpec("sammanfattning", "Sammanfattning (ej händelse)", "Summary (not an incident)", False, False),
)

V1_POLICE_TYPES: dict[str, str] = {
    "Alkohollagen": "berusning",
    "Anträffad död": "polis_ovrigt",
    "Anträffat gods": "polis_ovrigt",
    "Arbetsplatsolycka": "olycka",
    "Bedrägeri": "bedrageri",
    "Bombhot": "vald_hot",
    "Brand": "brand",
    "Brand automatlarm": "brand",
    "Bråk": "vald_hot",
    "Detonation": "grovt_vald",
    "Djur": "ovrigt",
    "Efterlyst person": "polis_ovrigt",
    "Ekobrott": "bedrageri",
    "Explosion": "grovt_vald",
    "Farligt föremål, misstänkt": "polis_ovrigt",
    "Fjällräddning": "olycka",
    "Fylleri": "berusning",
    "Fylleri/LOB": "berusning",
    "Förfalskningsbrott": "bedrageri",
    "Försvunnen person": "polis_ovrigt",
    "Hemfridsbrott": "stold_inbrott",
    "Hets mot folkgrupp": "vald_hot",
    "Häleri": "stold_inbrott",
    "Information": "polis_ovrigt",
    "Inbrott": "stold_inbrott",
    "Inbrott, försök": "stold_inbrott",
    "Knivlagen": "vapen",
    "Kontroll": "polis_ovrigt",
    "Kontroll person/fordon": "polis_ovrigt",
    "Lagen om hundar och katter": "ovrigt",
    "Larm Inbrott": "stold_inbrott",
    "Larm Överfall": "vald_hot",
    "Luftfartslagen": "ovrigt",
    "Miljöbrott": "ovrigt",
    "Missbruk av urkund": "bedrageri",
    "Mord/dråp": "grovt_vald",
    "Mord/dråp, försök": "grovt_vald",
    "Mordbrand": "brand",
    "Motorfordon, anträffat stulet": "stold_inbrott",
    "Motorfordon, stöld": "stold_inbrott",
    "Misshandel": "vald_hot",
    "Misshandel, grov": "vald_hot",
    "Narkotikabrott": "narkotika",
    "Ofredande/förargelse": "vald_hot",
    "Olaga frihetsberövande/människorov": "grovt_vald",
    "Olaga hot": "vald_hot",
    "Olaga intrång": "stold_inbrott",
    "Olovlig körning": "trafik",
    "Ordningslagen": "samling_som_stor",
    "Polisinsats/kommendering": "polis_ovrigt",
    "Rattfylleri": "trafik",
    "Räddningsinsats": "olycka",
    "Rån": "ran",
    "Rån väpnat": "ran",
    "Rån övrigt": "ran",
    "Rån, försök": "ran",
    "Sabotage mot blåljusverksamhet": "skadegorelse",
    "Sammanfattning dag": "sammanfattning",
    "Sammanfattning dygn": "sammanfattning",
    "Sammanfattning eftermiddag": "sammanfattning",
    "Sammanfattning helg": "sammanfattning",
    "Sammanfattning kväll": "sammanfattning",
    "Sammanfattning kväll och natt": "sammanfattning",
    "Sammanfattning natt": "sammanfattning",
    "Sammanfattning vecka": "sammanfattning",
    "Sedlighetsbrott": "sexualbrott",
    "Sexualbrott": "sexualbrott",
    "Sjukdom/olycksfall": "olycka",
    "Sjölagen": "trafik",
    "Skadegörelse": "skadegorelse",
    "Skottlossning": "grovt_vald",
    "Skottlossning, misstänkt": "grovt_vald",
    "Skyddslagen": "polis_ovrigt",
    "Smällar": "ovrigt",
    "Spridning smitta/kemikalier": "olycka",
    "Stöld": "stold_inbrott",
    "Stöld, försök": "stold_inbrott",
    "Stöld/inbrott": "stold_inbrott",
    "Trafikbrott": "trafik",
    "Trafikhinder": "trafik",
    "Trafikkontroll": "trafik",
    "Trafikolycka": "trafik",
    "Trafikolycka, personskada": "trafik",
    "Trafikolycka, singel": "trafik",
    "Trafikolycka, smitning från": "trafik",
    "Trafikolycka, vilt": "trafik",
    "Uppdatering": "sammanfattning",
    "Upphittat föremål": "polis_ovrigt",
    "Utlänningslagen": "polis_ovrigt",
    "Vapenlagen": "vapen",
    "Varningslarm/haveri": "olycka",
    "Våld/hot mot tjänsteman": "vald_hot",
    "Våldtäkt": "sexualbrott",
    "Våldtäkt, försök": "sexualbrott",
    "Vållande till kroppsskada": "olycka",
    "Åldringsbrott": "bedrageri",
    "Övrigt": "ovrigt",
}

FALLBACK_CATEGORY = "ovrigt"

VERSIONS: dict[int, tuple[tuple[CategorySpec, ...], dict[str, str]]] = {
    1: (V1_CATEGORIES, V1_POLICE_TYPES),
}
CURRENT_VERSION = max(VERSIONS)


def normalise_police_type(name: str) -> str:
    """Police type names as the feed writes them, without stray whitespace."""
    return " ".join(name.split())


def install(taxonomy_model, category_model, mapping_model, number: int = CURRENT_VERSION) -> None:
    """Create taxonomy version ``number`` with its categories and police-type mapping (idempotent).

    Takes the model classes so that data migrations can pass their historical models.
    """
    categories, police_types = VERSIONS[number]
    version, _ = taxonomy_model.objects.get_or_create(number=number, defaults={"note": "EST and police types"})
    by_code = {}
    for position, spec in enumerate(categories):
        by_code[spec.code], _ = category_model.objects.update_or_create(
            taxonomy=version,
            code=spec.code,
            defaults={
                "label_sv": spec.label_sv,
                "label_en": spec.label_en,
                "est": spec.est,
                "in_statistics": spec.in_statistics,
                "position": position,
            },
        )
    for police_type, code in police_types.items():
        mapping_model.objects.update_or_create(
            taxonomy=version, police_type=police_type, defaults={"category": by_code[code]}
        )
