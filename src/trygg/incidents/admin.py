from django.contrib import admin

from trygg.incidents.models import Category, Incident, PoliceTypeMapping, TaxonomyVersion


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["occurred_start", "category", "municipality", "source", "status", "is_generated"]
    list_filter = ["source", "status", "visibility", "is_generated"]
    raw_id_fields = ["municipality", "county", "place", "reporter_org", "reported_by"]
    date_hierarchy = "occurred_start"


admin.site.register(TaxonomyVersion)
admin.site.register(Category)
admin.site.register(PoliceTypeMapping)
