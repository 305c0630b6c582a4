"""Drop the ticket's old text cost code, moved to the cost centre by 0003."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("labour", "0003_post_to_cost_centre"),
    ]

    operations = [
        migrations.RemoveField(model_name="ticket", name="cost_code_text"),
    ]
