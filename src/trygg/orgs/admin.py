from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from trygg.orgs.models import Cooperation, County, Invitation, Membership, Municipality, Organisation, Place, User


def superusers_only(request) -> bool:
    """Django's admin is for superusers only: staff who are not superusers administer in the product."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superusers_only


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class TryggUserAdmin(UserAdmin):
    inlines = [MembershipInline]


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
