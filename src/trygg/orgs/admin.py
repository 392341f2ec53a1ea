from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from trygg.orgs.models import Cooperation, County, Membership, Municipality, Organisation, Place, User


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


admin.site.register(County)
admin.site.register(Place)
