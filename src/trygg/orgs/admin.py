from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from trygg.audit import log
from trygg.orgs.models import (
    Cooperation,
    County,
    Invitation,
    Membership,
    Municipality,
    Organisation,
    PartnerConsent,
    PartnerRequest,
    Place,
    User,
)


def superusers_only(request) -> bool:
    """Django's admin is for superusers only: staff who are not superusers administer in the product."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superusers_only


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class TryggUserAdmin(UserAdmin):
    """Accounts. A closed account (``is_active`` off) is reopened only here, by a superuser — never by an
    invitation or a sign-in — and each opening or closing is written to the audit log."""

    inlines = [MembershipInline]
    actions = ["reopen_accounts"]
    list_filter = ["is_active", "is_superuser"]

    @admin.action(description="Reopen the selected closed accounts (with the roles they still have)")
    def reopen_accounts(self, request, queryset):
        reopened = 0
        for user in queryset.filter(is_active=False):
            User.objects.filter(pk=user.pk).update(is_active=True)
            log.record(request.user, "update", user, summary="account reopened", changes={"is_active": [False, True]})
            reopened += 1
        self.message_user(request, f"{reopened} account(s) reopened.", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        before = User.objects.filter(pk=obj.pk).values_list("is_active", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        if change and before is not None and before != obj.is_active:
            summary = "account reopened" if obj.is_active else "account closed"
            log.record(request.user, "update", obj, summary=summary, changes={"is_active": [before, obj.is_active]})


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_demo"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["municipalities"]


@admin.register(Cooperation)
class CooperationAdmin(admin.ModelAdmin):
    list_display = ["name", "share_incidents", "share_measures", "share_watchlists"]
    filter_horizontal = ["organisations"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "county", "population"]
    search_fields = ["name", "code"]
    exclude = ["boundary"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["created_at", "accepted_at", "withdrawn_at"]


admin.site.register(County)
admin.site.register(Place)


class PartnerConsentInline(admin.TabularInline):
    model = PartnerConsent
    extra = 0

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PartnerRequest)
class PartnerRequestAdmin(admin.ModelAdmin):
    """Read only: a request is answered on its page in the product, where the answer is audited and the partner
    added (superusers answer there for municipalities without an admin in Trygg)."""

    list_display = ["organisation", "cooperation", "status", "requested_by", "created_at"]
    list_filter = ["status"]
    inlines = [PartnerConsentInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
