"""Rules by construction (issue 23): every model that holds data of a municipality or an organisation states its
rule once, as a queryset method, and the views fetch their objects through it — checked over the code itself, so
that a new model or a new view cannot forget.

* Every model with a foreign key to a municipality, an organisation, a cooperation or a tip (or to a model that
  has a rule) has a ``RestrictedQuerySet`` as its manager — or is named below with the reason it needs none.
* No view calls ``get_object_or_404`` on a model with a rule without going through ``restrict`` — except the few
  named below, each with its reason.
* The rule for whether partners see an incident (its visibility) is written once: no other module compares
  ``visibility`` with a literal.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

from trygg.orgs.models import Cooperation, Municipality, Organisation
from trygg.orgs.restrict import RestrictedQuerySet

SRC = Path(__file__).resolve().parents[2] / "src" / "trygg"

# models that refer to a municipality or an organisation but need no rule of their own, and why
NO_RULE_NEEDED = {
    "orgs.municipality": "has one (the root of the rules)",
    "orgs.officialstatistic": "published statistics (Kolada), public",
    "orgs.organisation_municipalities": "the link table, read through the organisations' rules",
    "orgs.cooperation_organisations": "the link table, read through the cooperations' rules",
    "incidents.policetypemapping": "the taxonomy's mapping of police event types, the same for everyone",
    "citizens.apiclient": "partner keys: read only by `trygg open311_key` (a command for IT) and the key check",
    "citizens.publicmaprelease": "the public map as published to everyone (numbers in steps of k, no points)",
    "citizens.venue": "the municipality's public register of venues",
    "citizens.surveycode": "one-time codes: only their hash is stored, checked by the public survey page",
    "citizens.survey_areas": "the link table, read through the surveys' rules",
    "citizens.surveyresponse": "read only as indices of groups of at least TRYGG_SURVEY_MIN_N (survey results)",
    "screening.dataset": "which lists a case may use is decided per case (engine.visible_datasets)",
    "screening.caseparty": "read only through a case fetched through the case's rule",
    "screening.screeningrun": "read only through a case fetched through the case's rule",
    "screening.decision": "read only through a case fetched through the case's rule",
    "screening.matchjudgement": "read only through a case's findings",
    "measures.evaluation": "read only through a measure fetched through the measure's rule",
    "measures.goal": "read only through an agreement fetched through the agreement's rule",
    "measures.decision": "read only through a meeting fetched through the meeting's rule",
    "measures.measure_participants": "the link table, read through the measures' rules",
    "measures.agreement_signatories": "the link table, read through the agreements' rules",
    "measures.agreement_activities": "the link table, read through the agreements' rules",
    "situation.narrative": "read only with a lägesbild of a municipality fetched through its rule",
    "walks.checklistquestion": "read only through a checklist fetched through its rule",
    "walks.answer": "read only through a stop of a walk fetched through the walk's rule",
    "walks.walk_organisations": "the link table, read through the walks' rules",
    "walks.walk_participants": "the link table, read through the walks' rules",
    "orgs.partnerconsent": "read only through a partner request fetched through the request's rule",
    "sso.externalidentity": "the sign-in's own binding of a person at a provider, never shown on a page",
    "core.messagepreference": "the user's own",
}

# views that fetch a model with a rule without it, and why
UNRESTRICTED_FETCHES = {
    "citizens.views.tip_thanks": "the resident's own receipt page, by the tip's unguessable public id",
    "citizens.views.tip_status": "the resident's status page, by the tip's unguessable public id",
    "citizens.views.survey_answer": "an open survey's public answer form",
    "situation.views.status": "the municipality of a report row already fetched through the row's rule",
}

OWNED_BY = (Municipality, Organisation, Cooperation)


def _refers_to_owned(model) -> bool:
    for field in model._meta.get_fields():
        target = getattr(field, "related_model", None)
        if not (field.is_relation and (field.many_to_one or field.one_to_one) and field.concrete):
            continue
        if target in OWNED_BY or (target is not None and isinstance(target._default_manager.all(), RestrictedQuerySet)):
            return True
    return False


def test_every_model_of_a_municipality_or_organisation_has_its_rule_on_its_queryset():
    missing = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if not label.startswith(tuple(f"{app}." for app in _trygg_apps())) or label in NO_RULE_NEEDED:
            continue
        if _refers_to_owned(model) and not isinstance(model._default_manager.all(), RestrictedQuerySet):
            missing.append(label)
    assert not missing, f"models of a municipality or organisation without a rule (restrict): {missing}"


def test_the_exceptions_are_still_models():
    labels = {m._meta.label_lower for m in apps.get_models(include_auto_created=True)}
    assert set(NO_RULE_NEEDED) <= labels, sorted(set(NO_RULE_NEEDED) - labels)


def _trygg_apps() -> set[str]:
    return {config.label for config in apps.get_app_configs() if config.name.startswith("trygg.")}


def _restricted_model_names() -> set[str]:
    return {
        model.__name__
        for model in apps.get_models()
        if isinstance(model._default_manager.all(), RestrictedQuerySet) and model._meta.app_label in _trygg_apps()
    }


def test_views_fetch_objects_through_the_rules():
    restricted = _restricted_model_names()
    found = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or "demo" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        module = ".".join(path.relative_to(SRC).with_suffix("").parts)
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for call in ast.walk(function):
                if not (isinstance(call, ast.Call) and getattr(call.func, "id", "") == "get_object_or_404"):
                    continue
                source = ast.unparse(call.args[0])
                root = source.split(".")[0].split("(")[0]
                if root in restricted and "restrict(" not in source:
                    name = f"{module}.{function.name}"
                    if name not in UNRESTRICTED_FETCHES:
                        found.append(f"{name}: get_object_or_404({source}, …)")
    assert not found, "fetched without the model's rule (use access.fetch or .restrict):\n" + "\n".join(found)


QUERIES = {"filter", "exclude", "get", "Q"}


def _visibility_tests(tree: ast.AST) -> list[int]:
    """Lines that read an incident's visibility: a query on ``visibility…`` or a comparison of ``.visibility``."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in QUERIES and any((k.arg or "").startswith("visibility") for k in node.keywords):
                lines.append(node.lineno)
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(o, ast.Attribute) and o.attr == "visibility" for o in operands):
                lines.append(node.lineno)
    return lines


def test_the_visibility_rule_is_written_once():
    """Who besides the reporting organisation sees an incident is said once (``shared_with_partners`` in
    ``trygg.incidents.models``); no other code queries or compares ``visibility`` — except the public map, which
    shows only what its reporter made public (a different rule: ``Visibility.PUBLIC``)."""
    allowed = {"incidents/models.py", "citizens/publicmap.py"}
    found = []
    for path in SRC.rglob("*.py"):
        relative = str(path.relative_to(SRC))
        if "migrations" in path.parts or "demo" in path.parts or relative in allowed:
            continue
        source = path.read_text()
        found += [f"{relative}:{n}: {source.splitlines()[n - 1].strip()}" for n in _visibility_tests(ast.parse(source))]
    assert not found, "\n".join(found)


def test_every_rule_knows_only_its_declared_actions():
    for model in apps.get_models():
        queryset = model._default_manager.all()
        if isinstance(queryset, RestrictedQuerySet):
            assert queryset.actions, model
            try:
                queryset.restrict(None, "no-such-action")
            except ValueError:
                continue
            raise AssertionError(f"{model.__name__}.objects.restrict accepts an action it does not declare")


def _required_pages() -> set[str]:
    """What the views' page-level ``require(…, user, "what")`` calls name (a trailing number stands for an id)."""
    named = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "require":
                what = node.args[2] if len(node.args) == 3 else None
                if isinstance(what, ast.Constant):
                    named.add(what.value)
                elif isinstance(what, ast.JoinedStr):
                    named.add("".join(part.value if isinstance(part, ast.Constant) else "7" for part in what.values))
    return named


def test_every_refusal_reads_in_swedish_in_the_log():
    """The audit log shows a refusal ("refused: <action>") in Swedish for every action of every rule and every
    page-level rule, not in the recorded English."""
    from django.utils import translation

    from trygg.audit.wording import detail

    actions = set()
    for model in apps.get_models():
        queryset = model._default_manager.all()
        if isinstance(queryset, RestrictedQuerySet):
            actions |= set(queryset.actions)
    pages = _required_pages()
    assert {"view", "change"} <= actions and "new measure" in pages and "evaluate measure 7" in pages
    with translation.override("sv"):
        shown = {what: detail(f"refused: {what}") for what in actions | pages}
    untranslated = sorted(what for what, text in shown.items() if not text.startswith("nekades: ") or what in text)
    assert not untranslated, untranslated
