"""In-product administration: an organisation's members and invitations, a cooperation's partners and what it
shares, and a municipality's named places. Who may do what is in :mod:`trygg.orgs.access`; every change is
written to the audit log, and every change takes a lock on the row it depends on (the organisation, the
cooperation, the invitation or the place) so that two admins acting at once cannot, say, both demote the other
of the last two organisation admins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required, login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg.audit import log
from trygg.audit.models import AuditEvent
from trygg.core import geo
from trygg.orgs import access, invitations, notices, partners, place_references
from trygg.orgs.forms import (
    AcceptForm,
    ExistingPartnerForm,
    InviteForm,
    NewOrganisationForm,
    PlaceForm,
    RoleForm,
    ShareForm,
)
from trygg.orgs.models import (
    Cooperation,
    Invitation,
    Membership,
    Municipality,
    Organisation,
    PartnerRequest,
    Place,
    Role,
    User,
)

SHARE_FIELDS = ["share_incidents", "share_measures", "share_watchlists"]
PLACE_FIELDS = ["name", "kind", "geometry"]


# -- what the user administers -------------------------------------------------------------------------------


@login_required
def admin_index(request):
    organisations = access.administered_organisations(request.user)
    return render(
        request,
        "orgs/admin_index.html",
        {
            "organisations": organisations,
            "cooperations": access.administered_cooperations(request.user),
            "municipalities": access.place_municipalities(request.user),
            "partner_requests": PartnerRequest.objects.awaiting(request.user).select_related(
                "cooperation", "organisation", "requested_by"
            ),
            "last_admin_notices": notices.last_admin_kept(organisations),
        },
    )


# -- members of an organisation ------------------------------------------------------------------------------


def _organisation(request, slug: str) -> Organisation:
    """The organisation in the URL, through its rule: 404 when there is none, 403 (audited) when not administered."""
    return access.fetch(Organisation, request.user, "administer", slug=slug)


def _locked(organisation: Organisation) -> Organisation:
    """The organisation's row under a lock: member changes of one organisation happen one at a time."""
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _admin_count(organisation: Organisation) -> int:
    return organisation.memberships.filter(role=Role.ORG_ADMIN).count()


@login_required
def members(request, slug: str):
    organisation = _organisation(request, slug)
    pending = organisation.invitations.filter(status=Invitation.Status.PENDING).select_related("invited_by")
    for invitation in pending:
        invitation.expires = invitations.expires(invitation)
        invitation.expired = invitation.expires < timezone.now()
    return render(
        request,
        "orgs/members.html",
        {
            "organisation": organisation,
            "memberships": organisation.memberships.select_related("user").order_by(
                "user__last_name", "user__first_name", "user__username"
            ),
            "pending": pending,
            "history": AuditEvent.objects.for_object(organisation)[:30],
        },
    )


@login_required
def invite(request, slug: str):
    organisation = _organisation(request, slug)
    form = InviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            _locked(organisation)
            try:
                form.clean_email()  # again, under the lock: two admins inviting the same address at once
            except ValidationError as error:
                form.add_error("email", error)
                invitation = None
            else:
                invitation = form.save(commit=False)
                invitation.organisation = organisation
                invitation.invited_by = request.user
                invitation.save()
                log.record(
                    request.user,
                    "create",
                    organisation,
                    summary=f"invitation sent to {invitation.email} as {invitation.role}",
                    changes={"invitation": invitation.pk, "email": invitation.email, "role": invitation.role},
                )
        if invitation is not None:
            invitations.send(invitation)
            messages.success(request, _("The invitation was sent to %(email)s.") % {"email": invitation.email})
            return redirect("orgs:members", slug=organisation.slug)
    return render(request, "orgs/invite.html", {"organisation": organisation, "form": form, "days": invitations.days()})


@login_required
@require_POST
def invitation_withdraw(request, slug: str, pk: int):
    organisation = _organisation(request, slug)
    # the rule first, outside the transaction: a refusal's audit entry must not be rolled back with it
    found = access.fetch(Invitation, request.user, "administer", pk=pk, organisation=organisation)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=found.pk)
        if invitation.status != Invitation.Status.PENDING:
            messages.error(request, _("The invitation was not pending any more."))
        else:
            invitation.status = Invitation.Status.WITHDRAWN
            invitation.withdrawn_by, invitation.withdrawn_at = request.user, timezone.now()
            invitation.save(update_fields=["status", "withdrawn_by", "withdrawn_at"])
            log.record(
                request.user,
                "update",
                organisation,
                summary=f"invitation withdrawn for {invitation.email}",
                changes={"invitation": invitation.pk, "status": ["pending", "withdrawn"]},
            )
            messages.success(request, _("The invitation was withdrawn: its link no longer works."))
    return redirect("orgs:members", slug=organisation.slug)


@login_required
def member(request, slug: str, pk: int):
    organisation = _organisation(request, slug)
    membership = access.fetch(
        Membership.objects.select_related("user"), request.user, "administer", pk=pk, organisation=organisation
    )
    form = RoleForm(request.POST or None, initial={"role": membership.role, "version": membership.role})
    if request.method == "POST" and form.is_valid():
        new = form.cleaned_data["role"]
        with transaction.atomic():
            _locked(organisation)
            current = Membership.objects.select_for_update().filter(pk=membership.pk).first()
            if current is None:
                raise Http404
            old = current.role
            if form.cleaned_data["version"] != old:
                form.add_error(
                    None,
                    _(
                        "Somebody else changed this member's role to “%(role)s” while you were looking at it. Check "
                        "it and save again if yours should stand."
                    )
                    % {"role": current.get_role_display()},
                )
                form.data = form.data.copy()
                form.data["version"] = old
            elif old == Role.ORG_ADMIN and new != Role.ORG_ADMIN and _admin_count(organisation) <= 1:
                form.add_error("role", _("This is the organisation's last admin. Make somebody else admin first."))
            elif new != old:
                current.role = new
                current.save(update_fields=["role"])
                log.record(
                    request.user,
                    "update",
                    organisation,
                    summary=f"role of {current.user.username}: {old} -> {new}",
                    changes={"user": current.user_id, "role": [old, new]},
                )
        if not form.errors:
            messages.success(request, _("The role was saved."))
            return redirect("orgs:members", slug=organisation.slug)
    return render(
        request,
        "orgs/member.html",
        {"organisation": organisation, "membership": membership, "form": form},
    )


@login_required
@require_POST
def member_remove(request, slug: str, pk: int):
    organisation = _organisation(request, slug)
    found = access.fetch(Membership, request.user, "administer", pk=pk, organisation=organisation)  # see above
    with transaction.atomic():
        _locked(organisation)
        membership = Membership.objects.select_for_update().select_related("user").filter(pk=found.pk).first()
        if membership is None:
            raise Http404("removed meanwhile")
        if membership.role == Role.ORG_ADMIN and _admin_count(organisation) <= 1:
            messages.error(request, _("This is the organisation's last admin. Make somebody else admin first."))
            return redirect("orgs:member", slug=organisation.slug, pk=membership.pk)
        user, role = membership.user, membership.role
        membership.delete()
        closed = not user.is_superuser and not Membership.objects.filter(user=user).exists()
        if closed:  # the account stays (the audit log names it) but can no longer log in
            User.objects.filter(pk=user.pk).update(is_active=False)
        log.record(
            request.user,
            "delete",
            organisation,
            summary=f"member removed{' and deactivated' if closed else ''}: {user.username} ({role})",
            changes={"user": user.pk, "role": role, "is_active": [True, False] if closed else True},
        )
    if closed:
        messages.success(request, _("%(name)s was removed and can no longer log in.") % {"name": user.username})
    else:
        messages.success(
            request,
            _("%(name)s was removed from the organisation (still a member elsewhere).") % {"name": user.username},
        )
    return redirect("orgs:members", slug=organisation.slug)


# -- accepting an invitation ---------------------------------------------------------------------------------


def _refused(request, reason: str, status: int):
    return render(request, "orgs/accept.html", {"refused": reason}, status=status)


def _account_for(request, email: str) -> User | None:
    """The account the invitation's address belongs to: the logged-in user's when the address is theirs, else the
    oldest open account with it, else a closed one (which the invitation does not reopen)."""
    accounts = User.objects.filter(email__iexact=email)
    if request.user.is_authenticated and accounts.filter(pk=request.user.pk).exists():
        return request.user
    return accounts.order_by("-is_active", "pk").first()


def _closed(request, invitation: Invitation, account: User):
    """A closed account is reopened only by a superuser (in Django's admin), never by an invitation."""
    log.record(
        request.user,
        "denied",
        invitation,
        summary="refused: invitation for a closed account",
        changes={"user": account.pk, "reason": "closed account"},
    )
    return _refused(request, "closed", 403)


@login_not_required
def accept(request, token: str):
    """The link in the invitation: a new account (user name and password), or — when the address belongs to an
    account — the membership added to it after its owner logs in. A closed account stays closed."""
    try:
        data = invitations.read(token)
    except signing.SignatureExpired:
        return _refused(request, "expired", 410)
    except signing.BadSignature:
        return _refused(request, "invalid", 400)
    invitation = Invitation.objects.select_related("organisation").filter(pk=data["i"]).first()
    if invitation is None or invitation.email.lower() != data.get("e"):
        return _refused(request, "invalid", 400)
    if invitation.status != Invitation.Status.PENDING:
        return _refused(request, invitation.status, 410)
    existing = _account_for(request, invitation.email)
    if existing is not None and not existing.is_active:
        return _closed(request, invitation, existing)
    context = {"invitation": invitation, "existing": existing}
    if existing is not None:
        if not request.user.is_authenticated:
            context["login_url"] = f"{reverse('login')}?next={request.path}"
            return render(request, "orgs/accept.html", context)
        if request.user.pk != existing.pk:
            context["other_account"] = True
            return render(request, "orgs/accept.html", context)
        if request.method == "POST":
            user, why = _accepted(invitation, existing)
            if user is None:
                return _closed(request, invitation, existing) if why == "closed" else _refused(request, why, 410)
            messages.success(request, _("You are now a member of %(org)s.") % {"org": invitation.organisation.name})
            return redirect("site:home")
        context["confirm"] = True
        return render(request, "orgs/accept.html", context)
    if request.user.is_authenticated:
        context["other_account"] = True
        return render(request, "orgs/accept.html", context)
    form = AcceptForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        user, why = _accepted(invitation, None, form.cleaned_data)
        if user is None:
            return _refused(request, why, 410)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Welcome to Trygg! You are a member of %(org)s.") % {"org": invitation.organisation.name}
        )
        return redirect("site:home")
    context["form"] = form
    return render(request, "orgs/accept.html", context)


def _accepted(invitation: Invitation, existing: User | None, data: dict | None = None) -> tuple[User | None, str]:
    """Accept under a lock on the invitation (and the account): ``(None, "accepted")`` when it was used or
    withdrawn meanwhile, ``(None, "closed")`` when the account was closed meanwhile."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status != Invitation.Status.PENDING:
            return None, "accepted"
        if existing is None:
            first, _sep, last = invitation.name.partition(" ")
            user = User.objects.create_user(
                data["username"], email=invitation.email, password=data["password1"], first_name=first, last_name=last
            )
        else:
            user = User.objects.select_for_update().get(pk=existing.pk)
            if not user.is_active:
                return None, "closed"
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
        )
        if not created and membership.role != invitation.role:
            membership.role = invitation.role
            membership.save(update_fields=["role"])
        locked.status = Invitation.Status.ACCEPTED
        locked.accepted_by, locked.accepted_at = user, timezone.now()
        locked.save(update_fields=["status", "accepted_by", "accepted_at"])
        log.record(
            user,
            "update",
            invitation.organisation,
            summary=f"invitation accepted by {user.username} as {invitation.role}",
            changes={"invitation": invitation.pk, "user": user.pk, "role": invitation.role},
        )
    access.forget(user)
    return user, ""


# -- cooperations --------------------------------------------------------------------------------------------


def _cooperation(request, slug: str) -> Cooperation:
    return access.fetch(Cooperation, request.user, "administer", slug=slug)


@login_required
def cooperation(request, slug: str):
    coop = _cooperation(request, slug)
    form = ShareForm(request.POST or None, instance=coop)
    if request.method == "POST":
        before = log.snapshot(coop, SHARE_FIELDS)
        with transaction.atomic():  # the form's version check reads the row under a lock
            saved = form.save() if form.is_valid() else None
            if saved is not None:
                changes = log.diff(before, log.snapshot(saved, SHARE_FIELDS))
                if changes:
                    log.record(request.user, "update", saved, summary="sharing changed", changes=changes)
        if saved is not None:
            messages.success(request, _("What the cooperation shares was saved."))
            return redirect("orgs:cooperation", slug=coop.slug)
    organisations = coop.organisations.prefetch_related("municipalities").order_by("name")
    municipality_orgs = [o for o in organisations if o.kind == Organisation.Kind.MUNICIPALITY]
    return render(
        request,
        "orgs/cooperation.html",
        {
            "cooperation": coop,
            "form": form,
            "organisations": organisations,
            "last_municipality": municipality_orgs[0].pk if len(municipality_orgs) == 1 else None,
            "removable": partners.removable(request.user, organisations),
            "partner_requests": PartnerRequest.objects.restrict(request.user, "view")
            .filter(cooperation=coop)
            .select_related("organisation", "requested_by", "decided_by")
            .prefetch_related("consents__municipality")[:20],
            "history": AuditEvent.objects.for_object(coop)[:30],
        },
    )


@login_required
def cooperation_partner(request, slug: str):
    """Add a partner: at once when it works only where the admin administers the municipality's own organisation;
    otherwise a request that the other municipalities' admins answer (:mod:`trygg.orgs.partners`)."""
    coop = _cooperation(request, slug)
    existing = ExistingPartnerForm(
        request.POST if "existing" in request.POST else None, cooperation=coop, prefix="existing"
    )
    new = NewOrganisationForm(request.POST if "new" in request.POST else None, prefix="new")
    form = existing if "existing" in request.POST else new if "new" in request.POST else None
    if request.method == "POST" and form is not None and form.is_valid():
        with transaction.atomic():
            Cooperation.objects.select_for_update().get(pk=coop.pk)
            if form is new:
                organisation = new.save()
                log.record(
                    request.user,
                    "create",
                    organisation,
                    summary=f"organisation created: {organisation.name}",
                    changes=log.snapshot(organisation, ["name", "kind", "organisation_number", "municipalities"]),
                )
            else:
                organisation = existing.cleaned_data["organisation"]
            outcome = partners.add_or_request(request.user, coop, organisation)
        names = ", ".join(m.name for m in outcome.asked)
        if outcome.added:
            messages.success(request, _("%(org)s is now a member of the cooperation.") % {"org": organisation.name})
        elif outcome.pending_already:
            messages.info(
                request,
                _("%(org)s is waiting already for an answer from the admins of %(names)s.")
                % {"org": organisation.name, "names": names},
            )
        elif partners.answerers(outcome.request):
            partners.notify(outcome.request)
            messages.success(
                request,
                _(
                    "%(org)s works in %(names)s: the admins of that municipality were asked, and it joins the "
                    "cooperation when they accept."
                )
                % {"org": organisation.name, "names": names},
            )
        else:
            messages.warning(
                request,
                _(
                    "%(org)s works in %(names)s, whose municipality has no admin in Trygg yet: the request waits for "
                    "a superuser (IT) to answer it."
                )
                % {"org": organisation.name, "names": names},
            )
        return redirect("orgs:cooperation", slug=coop.slug)
    return render(request, "orgs/partner.html", {"cooperation": coop, "existing": existing, "new": new})


@login_required
def partner_request(request, pk: int):
    """A request to take an organisation into a cooperation, for the admins of a municipality it asks."""
    asked = access.fetch(
        PartnerRequest.objects.select_related("cooperation", "organisation", "requested_by"),
        request.user,
        "answer",
        pk=pk,
    )
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in {"accept", "decline"}:
            return HttpResponseBadRequest("decision: accept or decline")
        outcome = partners.answer(request.user, asked, accept=decision == "accept")
        org = asked.organisation.name
        text = {
            "accepted": _("%(org)s is now a member of the cooperation."),
            "waiting": _("Your answer was saved; %(org)s joins when the other municipalities have accepted too."),
            "declined": _("You declined: %(org)s does not join the cooperation."),
            "answered": _("The request had been answered already: nothing was changed."),
        }[outcome]
        (messages.info if outcome == "answered" else messages.success)(request, text % {"org": org})
        return redirect("orgs:partner_request", pk=asked.pk)
    return render(
        request,
        "orgs/partner_request.html",
        {
            "asked": asked,
            "consents": asked.consents.select_related("municipality", "answered_by"),
            "mine": list(partners.open_for(request.user, asked))
            if asked.status == PartnerRequest.Status.PENDING
            else [],
            "municipalities": asked.organisation.municipalities.defer("boundary").order_by("name"),
        },
    )


@login_required
@require_POST
def partner_request_withdraw(request, slug: str, pk: int):
    """The cooperation's admin takes back a request that other municipalities have not settled."""
    coop = _cooperation(request, slug)
    asked = access.fetch(PartnerRequest.objects.filter(cooperation=coop), request.user, "view", pk=pk)
    if partners.withdraw(request.user, asked):
        messages.success(request, _("The request is withdrawn: %(org)s does not join.") % {"org": asked.organisation})
    else:
        messages.info(request, _("The request had been answered already: nothing was changed."))
    return redirect("orgs:cooperation", slug=coop.slug)


@login_required
@require_POST
def cooperation_remove(request, slug: str, org: int):
    coop = _cooperation(request, slug)
    with transaction.atomic():
        Cooperation.objects.select_for_update().get(pk=coop.pk)
        organisation = get_object_or_404(coop.organisations, pk=org)
        # a partner of another municipality is its admins' to take out; another municipality's own organisation
        # may be (the cooperation with that municipality ends), with the partners that work only there
        own = organisation.pk in partners.removable(request.user, [organisation])
        whole_municipality = organisation.kind == Organisation.Kind.MUNICIPALITY
        access.require(own or whole_municipality, request.user, "remove a partner of another municipality")
        going = [] if own else partners.leaving_with(coop, organisation)
        municipalities = coop.organisations.filter(kind=Organisation.Kind.MUNICIPALITY)
        if organisation.kind == Organisation.Kind.MUNICIPALITY and municipalities.count() <= 1:
            messages.error(
                request, _("A cooperation needs a municipality: %(org)s is its last one.") % {"org": organisation.name}
            )
            return redirect("orgs:cooperation", slug=coop.slug)
        for leaving in [organisation, *going]:
            coop.organisations.remove(leaving)
            log.record(
                request.user,
                "update",
                coop,
                summary=f"partner removed: {leaving.name}",
                changes={"organisation": leaving.pk, "with": organisation.pk if going else None},
            )
    messages.success(request, _("%(org)s is no longer in the cooperation.") % {"org": organisation.name})
    if going:
        names = ", ".join(o.name for o in going)
        messages.info(
            request, _("With it, the partners that work only in its municipality: %(names)s.") % {"names": names}
        )
    if not access.allowed(coop, request.user, "administer"):
        return redirect("orgs:admin")
    return redirect("orgs:cooperation", slug=coop.slug)


# -- named places --------------------------------------------------------------------------------------------


def _municipality(request, code: str) -> Municipality:
    """The municipality in the URL, for managing its named places: its coordinators (rule ``coordinate``)."""
    return access.fetch(Municipality, request.user, "coordinate", code=code)


def _size(place: Place) -> float | None:
    return geo.area_km2(place.shape) if place.is_area else None


@login_required
def places(request, code: str):
    municipality = _municipality(request, code)
    rows = list(Place.objects.filter(municipality=municipality).order_by("name"))
    for place in rows:
        place.km2 = _size(place)
    return render(request, "orgs/places.html", {"municipality": municipality, "places": rows})


@login_required
def place_edit(request, code: str, pk: int | None = None):
    municipality = _municipality(request, code)
    place = access.fetch(Place, request.user, "change", pk=pk, municipality=municipality) if pk else None
    before = log.snapshot(place, PLACE_FIELDS) if place else {}
    form = PlaceForm(request.POST or None, instance=place, municipality=municipality)
    if request.method == "POST":
        with transaction.atomic():  # the form's version check reads the row under a lock
            saved = form.save() if form.is_valid() else None
            if saved is not None:
                log.record(
                    request.user,
                    "update" if place else "create",
                    saved,
                    summary=f"named place {saved.name}",
                    changes=log.diff(before, log.snapshot(saved, PLACE_FIELDS)),
                )
        if saved is not None:
            messages.success(request, _("The place “%(name)s” was saved.") % {"name": saved.name})
            return redirect("orgs:places", code=municipality.code)
    return render(
        request,
        "orgs/place_form.html",
        {
            "form": form,
            "municipality": municipality,
            "place": place,
            "boundary": municipality.boundary,
            "geometry": place.geometry if place else None,
        },
    )


@login_required
def place_delete(request, code: str, pk: int):
    municipality = _municipality(request, code)
    place = access.fetch(Place, request.user, "change", pk=pk, municipality=municipality)
    references = place_references.count(place)
    confirmed = request.method == "POST" and request.POST.get("confirm") == "yes"  # not an empty POST
    if confirmed and not references:
        with transaction.atomic():
            locked = Place.objects.select_for_update().filter(pk=place.pk).first()
            references = place_references.count(locked) if locked is not None else {}
            if locked is not None and not references:
                name, pk_ = locked.name, locked.pk
                snapshot = log.snapshot(locked, PLACE_FIELDS)
                locked.delete()
                log.record(
                    request.user,
                    "delete",
                    object_type="orgs.place",
                    object_id=pk_,
                    summary=f"named place {name}",
                    changes=snapshot,
                )
        if not references:
            messages.success(request, _("The place “%(name)s” was deleted.") % {"name": place.name})
            return redirect("orgs:places", code=municipality.code)
    status = 409 if confirmed else 200
    return render(
        request,
        "orgs/place_delete.html",
        {"municipality": municipality, "place": place, "references": references},
        status=status,
    )
