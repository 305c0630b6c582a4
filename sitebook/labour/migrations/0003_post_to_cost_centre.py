"""Day labour posts to the cost centre.

A ticket's cost code becomes a cost code of the project's cost centre (a foreign key), and
the postings of labour's own ledger (`CostPosting`) move to the cost centre's actual costs
as transactions with source "labour_ticket" and the ticket's id; the ledger goes.

A code typed on a ticket (or posted) that the project's cost centre does not have is created
there as a top-level code named 计日工 / Day labour, so that no ticket loses its code and no
posted cost its amount; a cost engineer may file it under a parent afterwards. The old text
column is dropped by 0004, in its own transaction (PostgreSQL refuses to alter a table whose
rows were just updated in the same transaction while their foreign-key checks are pending).
"""

import django.db.models.deletion
from django.db import migrations, models

SOURCE = "labour_ticket"
DEFAULT_CODE = "DAYWORK"


def _code_finder(apps):
    CostCode = apps.get_model("costs", "CostCode")
    found = {}

    def code_for(organisation_id, project_id, text):
        key = (project_id, text)
        if key not in found:
            row = CostCode.objects.filter(project_id=project_id, code=text).first()
            if row is None:
                row = CostCode.objects.create(
                    organisation_id=organisation_id,
                    project_id=project_id,
                    code=text,
                    name="计日工",
                    name_en="Day labour",
                )
            found[key] = row
        return found[key]

    return code_for


def forwards(apps, schema_editor):
    Ticket = apps.get_model("labour", "Ticket")
    CostPosting = apps.get_model("labour", "CostPosting")
    CostTransaction = apps.get_model("costs", "CostTransaction")
    code_for = _code_finder(apps)
    for ticket in Ticket.objects.exclude(cost_code_text="").order_by("pk").iterator():
        text = ticket.cost_code_text.strip()
        if text:
            ticket.cost_code = code_for(ticket.organisation_id, ticket.project_id, text)
            ticket.save(update_fields=["cost_code"])
    for posting in CostPosting.objects.order_by("pk").iterator():
        source_id = str(posting.ticket_id)
        if CostTransaction.objects.filter(
            organisation_id=posting.organisation_id, source_type=SOURCE, source_id=source_id
        ).exists():
            continue
        CostTransaction.objects.create(
            organisation_id=posting.organisation_id,
            project_id=posting.project_id,
            cost_code=code_for(
                posting.organisation_id,
                posting.project_id,
                posting.cost_code.strip() or DEFAULT_CODE,
            ),
            kind="labour",
            date=posting.date,
            amount=posting.amount,
            description=posting.description[:300],
            source_type=SOURCE,
            source_id=source_id,
        )


def backwards(apps, schema_editor):
    Ticket = apps.get_model("labour", "Ticket")
    CostPosting = apps.get_model("labour", "CostPosting")
    CostTransaction = apps.get_model("costs", "CostTransaction")
    for ticket in Ticket.objects.exclude(cost_code=None).select_related("cost_code"):
        ticket.cost_code_text = ticket.cost_code.code
        ticket.save(update_fields=["cost_code_text"])
    tickets = set(Ticket.objects.values_list("pk", flat=True))
    for txn in CostTransaction.objects.filter(source_type=SOURCE).select_related("cost_code"):
        if not txn.source_id.isdigit() or int(txn.source_id) not in tickets:
            continue
        CostPosting.objects.create(
            organisation_id=txn.organisation_id,
            project_id=txn.project_id,
            ticket_id=int(txn.source_id),
            cost_code=txn.cost_code.code,
            amount=txn.amount,
            date=txn.date,
            description=txn.description,
        )
        txn.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("costs", "0001_cost_centre"),
        ("labour", "0002_labourline_approved"),
    ]

    operations = [
        migrations.RenameField(model_name="ticket", old_name="cost_code", new_name="cost_code_text"),
        migrations.AddField(
            model_name="ticket",
            name="cost_code",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="labour_tickets",
                to="costs.costcode",
                verbose_name="cost code",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="CostPosting"),
    ]
