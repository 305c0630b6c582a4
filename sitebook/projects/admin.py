from django.contrib import admin

from sitebook.projects.models import Project, ProjectMember, RaciAssignment, RaciRow, WbsNode


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "organisation", "status", "contract_value", "currency")
    list_filter = ("organisation", "status")
    search_fields = ("code", "name", "name_en", "client")


@admin.register(WbsNode)
class WbsNodeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "project")
    list_select_related = ("project",)


@admin.register(ProjectMember)
class ProjectMemberAdmin(admin.ModelAdmin):
    list_display = ("project", "user", "role")
    list_select_related = ("project", "user", "role")


admin.site.register(RaciRow)
admin.site.register(RaciAssignment)
