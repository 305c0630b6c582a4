"""Schedule rows: calendars, options, activities, relationships, baselines, progress updates.

Durations, lags and floats are integers of working minutes on the activity's calendar, as in
the engine (`sitebook.engine.network`); pages show them in days of that calendar. Dates
computed by the engine (early/late start and finish, floats, critical) are stored on the
activity together with the data date they were computed at (`ScheduleSettings`); they are
derived data, written in bulk by `adapters.store_results` and left out of the change records.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sitebook.core.models import MONEY, BusinessModel
from sitebook.engine.network import ActivityType, ConstraintType, LagUnit, LinkType
from sitebook.projects.models import Project, ProjectMember, WbsNode

ACTIVITY_TYPES = [
    (ActivityType.TASK.value, _("Task")),
    (ActivityType.START_MILESTONE.value, _("Start milestone")),
    (ActivityType.FINISH_MILESTONE.value, _("Finish milestone")),
    (ActivityType.LEVEL_OF_EFFORT.value, _("Level of effort")),
    (ActivityType.WBS_SUMMARY.value, _("WBS summary")),
]
CONSTRAINT_TYPES = [
    (ConstraintType.START_ON.value, _("Start on")),
    (ConstraintType.START_ON_OR_AFTER.value, _("Start on or after")),
    (ConstraintType.START_ON_OR_BEFORE.value, _("Start on or before")),
    (ConstraintType.FINISH_ON.value, _("Finish on")),
    (ConstraintType.FINISH_ON_OR_AFTER.value, _("Finish on or after")),
    (ConstraintType.FINISH_ON_OR_BEFORE.value, _("Finish on or before")),
    (ConstraintType.MANDATORY_START.value, _("Mandatory start")),
    (ConstraintType.MANDATORY_FINISH.value, _("Mandatory finish")),
    (ConstraintType.AS_LATE_AS_POSSIBLE.value, _("As late as possible")),
]
LINK_TYPES = [(t.value, t.value) for t in LinkType]
LAG_UNITS = [
    (LagUnit.WORKING.value, _("working time")),
    (LagUnit.ELAPSED.value, _("elapsed time")),
    (LagUnit.PERCENT.value, _("percent of predecessor")),
]


class Calendar(BusinessModel):
    """A work calendar of a project: a week of working intervals plus dated exceptions.

    `week` is seven lists (Monday first) of [start minute, end minute] pairs; `exceptions`
    maps ISO dates to such lists (an empty list is a holiday, intervals a make-up workday).
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="calendars")
    name = models.CharField(_("name"), max_length=200)
    week = models.JSONField(_("work week"))
    exceptions = models.JSONField(_("exceptions"), default=dict, blank=True)
    hours_per_day = models.DecimalField(
        _("hours per day"), max_digits=5, decimal_places=2, default=8
    )
    external_id = models.CharField(_("identifier in the source file"), max_length=60, blank=True)

    audit_ignore = ("created_at", "updated_at", "exceptions")

    class Meta:
        verbose_name = _("calendar")
        verbose_name_plural = _("calendars")
        ordering = ["project_id", "id"]

    def __str__(self) -> str:
        return self.name


class ScheduleSettings(BusinessModel):
    """Schedule options and the state of the last computation, one row per project."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="schedule_settings"
    )
    data_date = models.DateTimeField(_("data date"))
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True)
    must_finish_by = models.DateTimeField(_("must finish by"), null=True, blank=True)
    default_calendar = models.ForeignKey(
        Calendar,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default calendar"),
    )
    #: `sitebook.engine.network.ScheduleOptions` fields by name.
    options = models.JSONField(_("options"), default=dict, blank=True)
    baseline = models.ForeignKey(
        "Baseline",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("baseline compared"),
    )
    finish = models.DateTimeField(_("forecast finish"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    computed_data_date = models.DateTimeField(_("computed at data date"), null=True, blank=True)

    audit_ignore = ("created_at", "updated_at", "finish", "computed_at", "computed_data_date")

    class Meta:
        verbose_name = _("schedule settings")
        verbose_name_plural = _("schedule settings")

    def __str__(self) -> str:
        return str(_("Schedule options"))


class Activity(BusinessModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    wbs = models.ForeignKey(
        WbsNode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("WBS element"),
    )
    code = models.CharField(_("activity ID"), max_length=60)
    name = models.CharField(_("name"), max_length=300)
    type = models.CharField(
        _("type"), max_length=20, choices=ACTIVITY_TYPES, default=ActivityType.TASK.value
    )
    calendar = models.ForeignKey(
        Calendar, on_delete=models.PROTECT, related_name="activities", verbose_name=_("calendar")
    )
    original_duration = models.PositiveIntegerField(_("original duration (min)"), default=0)
    remaining_duration = models.PositiveIntegerField(_("remaining duration (min)"), default=0)
    constraint_type = models.CharField(
        _("constraint"), max_length=30, choices=CONSTRAINT_TYPES, blank=True
    )
    constraint_date = models.DateTimeField(_("constraint date"), null=True, blank=True)
    constraint2_type = models.CharField(
        _("secondary constraint"), max_length=30, choices=CONSTRAINT_TYPES, blank=True
    )
    constraint2_date = models.DateTimeField(_("secondary constraint date"), null=True, blank=True)
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_finish = models.DateTimeField(_("actual finish"), null=True, blank=True)
    suspend = models.DateTimeField(_("suspend"), null=True, blank=True)
    resume = models.DateTimeField(_("resume"), null=True, blank=True)
    expected_finish = models.DateTimeField(_("expected finish"), null=True, blank=True)
    percent_complete = models.DecimalField(
        _("percent complete"), max_digits=5, decimal_places=2, default=0
    )
    optimistic_duration = models.PositiveIntegerField(
        _("optimistic duration (min)"), null=True, blank=True
    )
    most_likely_duration = models.PositiveIntegerField(
        _("most likely duration (min)"), null=True, blank=True
    )
    pessimistic_duration = models.PositiveIntegerField(
        _("pessimistic duration (min)"), null=True, blank=True
    )
    # The cost centre is built in parallel; a plain code until it offers a row to point at.
    cost_code = models.CharField(_("cost code"), max_length=60, blank=True)
    responsible = models.ForeignKey(
        ProjectMember,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("responsible"),
    )
    #: MS Project: a task on its resources' calendars has its float measured on this one
    #: (the project calendar); empty: on its own calendar.
    float_calendar = models.ForeignKey(
        Calendar,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("float calendar"),
    )
    #: MS Project: dates fixed by hand, kept out of the logic.
    manually_scheduled = models.BooleanField(_("manually scheduled"), default=False)
    external_id = models.CharField(_("identifier in the source file"), max_length=60, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    # Computed by the engine at ScheduleSettings.computed_data_date (not audited).
    early_start = models.DateTimeField(_("early start"), null=True, blank=True)
    early_finish = models.DateTimeField(_("early finish"), null=True, blank=True)
    late_start = models.DateTimeField(_("late start"), null=True, blank=True)
    late_finish = models.DateTimeField(_("late finish"), null=True, blank=True)
    total_float = models.IntegerField(_("total float (min)"), null=True, blank=True)
    free_float = models.IntegerField(_("free float (min)"), null=True, blank=True)
    critical = models.BooleanField(_("critical"), default=False)
    dates_blank = models.BooleanField(default=False)

    COMPUTED = (
        "early_start",
        "early_finish",
        "late_start",
        "late_finish",
        "total_float",
        "free_float",
        "critical",
        "dates_blank",
    )
    audit_ignore = ("created_at", "updated_at", *COMPUTED)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["project_id", "sort_order", "code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="activity_unique_code")
        ]
        indexes = [
            models.Index(fields=["project", "sort_order", "code"], name="activity_order_idx"),
            models.Index(fields=["project", "early_start"], name="activity_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_milestone(self) -> bool:
        return self.type in (ActivityType.START_MILESTONE, ActivityType.FINISH_MILESTONE)

    @property
    def start(self):  # type: ignore[no-untyped-def]
        """The start to show: actual if started, else early."""
        return self.actual_start or self.early_start

    @property
    def finish(self):  # type: ignore[no-untyped-def]
        """The finish to show: actual if complete, else early."""
        return self.actual_finish or self.early_finish


class Relationship(BusinessModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="relationships")
    predecessor = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        related_name="successor_links",
        verbose_name=_("predecessor"),
    )
    successor = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        related_name="predecessor_links",
        verbose_name=_("successor"),
    )
    type = models.CharField(_("type"), max_length=2, choices=LINK_TYPES, default="FS")
    lag = models.IntegerField(_("lag (min)"), default=0)
    lag_unit = models.CharField(
        _("lag unit"), max_length=10, choices=LAG_UNITS, default=LagUnit.WORKING.value
    )
    lag_calendar = models.ForeignKey(
        Calendar,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lag calendar"),
    )

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        ordering = ["project_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "type"], name="relationship_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id} {self.type}"


class Baseline(BusinessModel):
    """A named copy of the schedule's dates at one moment.

    `data` holds one entry per activity id: [code, start, finish, duration minutes, total
    float minutes] (ISO wall-clock dates), so a 4,000-activity capture is one row.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="baselines")
    name = models.CharField(_("name"), max_length=200)
    data_date = models.DateTimeField(_("data date"), null=True, blank=True)
    finish = models.DateTimeField(_("finish"), null=True, blank=True)
    activity_count = models.PositiveIntegerField(_("activities"), default=0)
    data = models.JSONField(default=dict)

    audit_ignore = ("created_at", "updated_at", "data")

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        ordering = ["project_id", "-id"]

    def __str__(self) -> str:
        return self.name


class ProgressUpdate(BusinessModel):
    """One period's progress update (周报/月报) and the forecast finish it produced.

    `entries` keeps what was entered for each activity: {activity id: {field: value}}.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress_updates")
    data_date = models.DateTimeField(_("data date"))
    previous_data_date = models.DateTimeField(_("previous data date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    entries = models.JSONField(default=dict)
    activity_count = models.PositiveIntegerField(_("activities updated"), default=0)
    forecast_finish = models.DateTimeField(_("forecast finish"), null=True, blank=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["project_id", "data_date", "id"]

    def __str__(self) -> str:
        return f"{self.data_date:%Y-%m-%d}"


class ImportRun(BusinessModel):
    """One schedule import: its file, what it brought in and the report.

    The thousands of rows an import writes go in with bulk_create, which sends no change
    records; this row's own change record (with the report in its after-image) is the audit
    of the import.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="schedule_imports")
    filename = models.CharField(_("file"), max_length=255)
    format = models.CharField(_("format"), max_length=10)
    report = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("schedule import")
        verbose_name_plural = _("schedule imports")
        ordering = ["project_id", "-id"]

    def __str__(self) -> str:
        return self.filename


RESOURCE_KINDS = [
    ("labour", _("Labour")),
    ("equipment", _("Equipment")),
    ("material", _("Material")),
    ("cost", _("Cost")),
]
QUANTITY = {"max_digits": 18, "decimal_places": 3}


class Resource(BusinessModel):
    """A resource of the project's schedule (labour, equipment, material), as the imported
    file defines it (P6 RSRC, MS Project Resource)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="schedule_resources"
    )
    code = models.CharField(_("resource ID"), max_length=60)
    name = models.CharField(_("name"), max_length=200, blank=True)
    kind = models.CharField(_("type"), max_length=12, choices=RESOURCE_KINDS, default="labour")
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    external_id = models.CharField(_("identifier in the source file"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["project_id", "code", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class ResourceAssignment(BusinessModel):
    """A resource on an activity: budgeted, remaining and actual units (hours for labour and
    equipment, the resource's unit for material) and costs."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="resource_assignments"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("activity")
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("resource")
    )
    planned_quantity = models.DecimalField(_("budgeted units"), default=0, **QUANTITY)
    remaining_quantity = models.DecimalField(_("remaining units"), default=0, **QUANTITY)
    actual_quantity = models.DecimalField(_("actual units"), default=0, **QUANTITY)
    planned_cost = models.DecimalField(_("budgeted cost"), default=0, **MONEY)
    actual_cost = models.DecimalField(_("actual cost"), default=0, **MONEY)

    class Meta:
        verbose_name = _("resource assignment")
        verbose_name_plural = _("resource assignments")
        ordering = ["project_id", "id"]

    def __str__(self) -> str:
        return f"{self.resource_id} → {self.activity_id}"
