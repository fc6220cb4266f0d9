"""Idea emails move to the site's one outbox (home.OutboxEmail); workshop
registrations record when they were cancelled (self-service cancel link)."""

from django.db import migrations, models

KINDS = {
    "acknowledgement": "projects.idea_acknowledgement",
    "staff_notification": "projects.idea_staff_notification",
    "status_changed": "projects.idea_status_changed",
}


def move_idea_emails(apps, schema_editor):
    IdeaEmail = apps.get_model("projects", "IdeaEmail")
    OutboxEmail = apps.get_model("home", "OutboxEmail")
    ContentType = apps.get_model("contenttypes", "ContentType")
    idea_type, _created = ContentType.objects.get_or_create(app_label="projects", model="idea")
    OutboxEmail.objects.bulk_create(
        [
            OutboxEmail(
                kind=KINDS.get(email.kind, f"projects.idea_{email.kind}"),
                content_type=idea_type,
                object_id=email.idea_id,
                to=email.to,
                reply_to=email.reply_to,
                subject=email.subject,
                body_text=email.body_text,
                body_html=email.body_html,
                state=email.state,
                attempts=email.attempts,
                last_error=email.last_error,
                next_attempt_at=email.next_attempt_at,
                created_at=email.created_at,
                sent_at=email.sent_at,
            )
            for email in IdeaEmail.objects.order_by("pk").iterator()
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("home", "0002_keyfigure_qualifier_outbox"),
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(move_idea_emails, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="ideaemail",
            name="projects_id_state_0361b0_idx",
        ),
        migrations.DeleteModel(
            name="IdeaEmail",
        ),
        migrations.AddField(
            model_name="workshopregistration",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="annulé le"),
        ),
    ]
