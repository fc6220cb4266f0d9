"""Documents uploaded with Wagtail's default model move to home.Document.

They keep their id (pages and rich text refer to documents by id), title, collection,
tags and uploader; their file moves from the public MEDIA_ROOT/documents/ to the
private storage, so no old copy stays where the web server serves it. The collection
permissions given on Wagtail's document model (Wagtail's Editors and Moderators
groups, and any group staff set up) are given on home.Document too.
On a new database there is nothing to move: only the permissions are copied.
A site that had documents then runs `manage.py rebuild_references_index` and
`manage.py update_index` (usage counts and search entries follow the new model).
"""

from django.core.files.storage import storages
from django.core.management.color import no_style
from django.db import migrations

DOCUMENT_FIELDS = ("title", "created_at", "uploaded_by_user_id", "collection_id")
DOCUMENT_FIELDS += ("file_size", "file_hash")


def _content_type(apps, app_label, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]


def _move_file(name, source, target):
    """The file's name in `target` once moved (the same unless taken); a missing file
    keeps its name, so the document row is kept and staff can upload it again."""
    if not name or not source.exists(name):
        return name
    with source.open(name, "rb") as handle:
        new_name = target.save(name, handle)
    source.delete(name)
    return new_name


def _move_documents(apps, schema_editor, source_label, target_label, source_storage, target):
    Source = apps.get_model(*source_label)
    Target = apps.get_model(*target_label)
    documents = list(Source.objects.order_by("pk"))
    if not documents:
        return
    source_type = _content_type(apps, *(label.lower() for label in source_label))
    target_type = _content_type(apps, *(label.lower() for label in target_label))
    for document in documents:
        moved = Target(
            pk=document.pk, **{field: getattr(document, field) for field in DOCUMENT_FIELDS}
        )
        moved.file.name = _move_file(document.file.name, source_storage, target)
        moved.save()
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    TaggedItem.objects.filter(
        content_type=source_type, object_id__in=[document.pk for document in documents]
    ).update(content_type=target_type)
    Source.objects.filter(pk__in=[document.pk for document in documents]).delete()
    # Explicit ids: PostgreSQL's sequence must start after them.
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Target]):
            cursor.execute(sql)


def _copy_collection_permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    wagtail_type = _content_type(apps, "wagtaildocs", "document")
    home_type = _content_type(apps, "home", "document")
    given = GroupCollectionPermission.objects.filter(
        permission__content_type=wagtail_type
    ).select_related("permission")
    for grant in given:
        permission, _ = Permission.objects.get_or_create(
            content_type=home_type,
            codename=grant.permission.codename,
            defaults={"name": grant.permission.name},
        )
        GroupCollectionPermission.objects.get_or_create(
            group_id=grant.group_id, collection_id=grant.collection_id, permission=permission
        )


def forwards(apps, schema_editor):
    _copy_collection_permissions(apps)
    _move_documents(
        apps,
        schema_editor,
        ("wagtaildocs", "Document"),
        ("home", "Document"),
        storages["default"],
        storages["private"],
    )


def backwards(apps, schema_editor):
    _move_documents(
        apps,
        schema_editor,
        ("home", "Document"),
        ("wagtaildocs", "Document"),
        storages["private"],
        storages["default"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_document_documentdownload"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailcore", "0098_apitoken"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
