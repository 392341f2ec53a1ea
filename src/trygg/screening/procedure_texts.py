"""The Swedish texts of the licensing procedure: what each authority is asked, the questionnaire's fixed
questions, the letter of kommunicering and how to appeal. Templates the officer edits before sending; the law
cited is the Swedish alcohol act (alkohollagen 2010:1622) and the administrative procedure act
(förvaltningslagen 2017:900)."""

from __future__ import annotations

from django.conf import settings

# what each authority is asked, after the common introduction naming the case and the persons
AUTHORITY_QUESTIONS = {
    "police": (
        "Polisens yttrande enligt 8 kap. 17 § alkohollagen: finns det uppgifter om sökanden eller personerna med "
        "betydande inflytande som har betydelse för deras lämplighet (brottslighet, kopplingar till kriminella "
        "nätverk), och finns det ordningsproblem eller annat som talar emot tillstånd på serveringsstället?"
    ),
    "tax": (
        "Uppgifter om skatte- och avgiftsförhållanden: är sökanden registrerad för F-skatt, moms och som "
        "arbetsgivare, finns skatteskulder eller brister i redovisningen, för sökanden och personerna med "
        "betydande inflytande?"
    ),
    "enforcement": (
        "Uppgifter om skulder hos Kronofogden: finns skulder för allmänna eller enskilda mål, "
        "betalningsförelägganden eller skuldsanering, för sökanden och personerna med betydande inflytande?"
    ),
    "rescue": (
        "Yttrande om brandskyddet i serveringslokalen: högsta antal personer som får vistas i lokalen och om det "
        "finns brister i brandskyddet."
    ),
    "environment": (
        "Yttrande om livsmedelsregistrering och om lokalen uppfyller kraven för verksamheten (livsmedel, buller, "
        "ventilation)."
    ),
}

# the fixed parts of the questionnaire, asked of every applicant in both languages
QUESTIONNAIRE_SECTIONS = {
    "owners": {
        "sv": "Vem äger verksamheten? Ange alla ägare, direkt och genom andra bolag, med andel i procent.",
        "en": "Who owns the business? Give every owner, directly and through other companies, with their share in %.",
    },
    "financing": {
        "sv": "Hur finansieras verksamheten? Ange eget kapital, lån, leasing, hyra av lokalen och borgen: vem som "
        "står för det och med hur mycket.",
        "en": "How is the business financed? Give equity, loans, leasing, the lease of the premises and guarantees: "
        "who provides them and how much.",
    },
    "relations": {
        "sv": "Vilka affärsförbindelser har verksamheten (leverantörer, samarbetspartner, ombud)?",
        "en": "What business relations does the business have (suppliers, partners, agents)?",
    },
    "refusals": {
        "sv": "Har sökanden eller någon med betydande inflytande tidigare fått ett tillstånd nekat eller återkallat?",
        "en": "Has the applicant or anyone with significant influence had a licence refused or revoked before?",
    },
    "documents": {
        "sv": "Bifoga underlag som PDF: aktiebok, låneavtal, hyresavtal, finansieringsplan.",
        "en": "Attach documents as PDF: share register, loan agreements, lease, financing plan.",
    },
}

DEFAULT_INTRO = {
    "sv": "Kommunen prövar er ansökan och behöver veta vem som äger, finansierar och har inflytande över "
    "verksamheten. Ofullständiga eller felaktiga svar kan i sig vara skäl att avslå ansökan. Uppgifterna används "
    "bara i ärendet och gallras med det.",
    "en": "The municipality is considering your application and needs to know who owns, finances and influences "
    "the business. Incomplete or untrue answers can in themselves be a reason to refuse the application. The "
    "information is used only in this case and is deleted with it.",
}

FINANCING_KINDS = {
    "equity": {"sv": "Eget kapital", "en": "Equity"},
    "loan": {"sv": "Lån", "en": "Loan"},
    "lease": {"sv": "Hyra eller leasing", "en": "Lease or leasing"},
    "guarantee": {"sv": "Borgen", "en": "Guarantee"},
    "other": {"sv": "Annat", "en": "Other"},
}

# the Swedish administrative courts by county (the decision is appealed to the court of the decider's county)
APPEAL_COURTS = {
    "17": "Förvaltningsrätten i Karlstad",  # Värmlands län
    "18": "Förvaltningsrätten i Karlstad",  # Örebro län
}


def authority_name(municipality) -> str:
    """How the municipality signs its letters: its own organisation's name (Karlstads kommun), else its name."""
    from trygg.orgs.models import Organisation

    own = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY, municipalities=municipality).first()
    return own.name if own else municipality.name


def appeal_court(county: str) -> str:
    courts = {**APPEAL_COURTS, **getattr(settings, "TRYGG_APPEAL_COURTS", {})}
    return courts.get(county, "förvaltningsrätten")


def appeal_text(municipality_name: str, county: str) -> str:
    """Överklagandehänvisning (förvaltningslagen 33 § andra stycket, 40–44 §§)."""
    return (
        f"Beslutet kan överklagas hos {appeal_court(county)}. Skriv vilket beslut ni "
        f"överklagar, hur ni vill att det ändras och varför. Skicka överklagandet till {municipality_name} (inte "
        "till domstolen). Det ska ha kommit in inom tre veckor från den dag ni fick del av beslutet; annars kan det "
        "inte prövas. Kommunen prövar först om beslutet ska ändras och skickar sedan överklagandet vidare till "
        "domstolen."
    )


# the provisions a decision of each kind applies (shown in the decision under "Tillämpliga bestämmelser")
RULES_APPLIED = {
    "serveringstillstand": "8 kap. 12 § alkohollagen (2010:1622): serveringstillstånd får meddelas endast den som "
    "visar att han eller hon med hänsyn till sina personliga och ekonomiska förhållanden och omständigheterna i "
    "övrigt är lämplig att utöva verksamheten. Lämplighetsprövningen omfattar den som har betydande inflytande i "
    "rörelsen (8 kap. 12 § andra stycket). 8 kap. 17 § alkohollagen: yttrande från Polismyndigheten. 9 kap. 1 § "
    "alkohollagen: tillståndsmyndighetens tillsyn.",
    "bygglov": "9 kap. plan- och bygglagen (2010:900) om bygglov; förvaltningslagen (2017:900) 23 § om utredning.",
    "upphandling": "13 kap. lagen (2016:1145) om offentlig upphandling: uteslutning av leverantör.",
    "other": "Förvaltningslagen (2017:900) 23 och 25 §§.",
}
