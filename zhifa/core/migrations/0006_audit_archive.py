"""Archiving the oldest audit rows through one controlled door, the checkpoints append-only.

The triggers of 0002 keep refusing every UPDATE, TRUNCATE and DELETE of ``core_auditentry`` except a
DELETE of a row that is older than 184 days (网络安全法 art. 21) and covered by a row of
``core_auditarchivepermit`` -- on PostgreSQL one written by the deleting transaction itself
(``txid_current()``). ``zhifa.core.audit.archive`` writes that permit, deletes, removes it and records
a signed checkpoint (``core_auditarchive``), all in one transaction. The checkpoints themselves refuse
UPDATE, DELETE and TRUNCATE.

``forward``/``reverse`` take a schema editor (or anything with ``connection`` and ``execute``): the test
fixture ``audit_triggers_lifted`` (zhifa/conftest.py) calls them too.
"""

from django.db import migrations, models

PG_FORWARD = """
CREATE OR REPLACE FUNCTION zhifa_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.occurred_at < now() - interval '184 days' AND EXISTS (
            SELECT 1 FROM core_auditarchivepermit p
            WHERE OLD.id BETWEEN p.first_id AND p.last_id AND p.txid = txid_current()
        ) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION '审计日志只能追加，不能修改或删除 (core_auditentry)';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION zhifa_audit_archive_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计归档检查点只能追加，不能修改或删除 (core_auditarchive)';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditarchive_no_update ON core_auditarchive;
DROP TRIGGER IF EXISTS core_auditarchive_no_truncate ON core_auditarchive;
CREATE TRIGGER core_auditarchive_no_update BEFORE UPDATE OR DELETE ON core_auditarchive
    FOR EACH ROW EXECUTE FUNCTION zhifa_audit_archive_append_only();
CREATE TRIGGER core_auditarchive_no_truncate BEFORE TRUNCATE ON core_auditarchive
    FOR EACH STATEMENT EXECUTE FUNCTION zhifa_audit_archive_append_only();
"""
# Back to 0002's function (the triggers on core_auditentry stay as 0002 made them).
PG_REVERSE = """
DROP TRIGGER IF EXISTS core_auditarchive_no_update ON core_auditarchive;
DROP TRIGGER IF EXISTS core_auditarchive_no_truncate ON core_auditarchive;
DROP FUNCTION IF EXISTS zhifa_audit_archive_append_only();
CREATE OR REPLACE FUNCTION zhifa_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计日志只能追加，不能修改或删除 (core_auditentry)';
END;
$$ LANGUAGE plpgsql;
"""
# SQLite stores aware datetimes as UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]', which compares as text.
SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete;",
    "CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry "
    "WHEN OLD.occurred_at >= datetime('now', '-184 days') OR NOT EXISTS ("
    "SELECT 1 FROM core_auditarchivepermit p WHERE OLD.id BETWEEN p.first_id AND p.last_id) "
    "BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能删除'); END;",
    "DROP TRIGGER IF EXISTS core_auditarchive_no_update;",
    "DROP TRIGGER IF EXISTS core_auditarchive_no_delete;",
    "CREATE TRIGGER core_auditarchive_no_update BEFORE UPDATE ON core_auditarchive "
    "BEGIN SELECT RAISE(ABORT, '审计归档检查点只能追加，不能修改'); END;",
    "CREATE TRIGGER core_auditarchive_no_delete BEFORE DELETE ON core_auditarchive "
    "BEGIN SELECT RAISE(ABORT, '审计归档检查点只能追加，不能删除'); END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditarchive_no_update;",
    "DROP TRIGGER IF EXISTS core_auditarchive_no_delete;",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete;",
    "CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry "
    "BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能删除'); END;",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_security'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditArchive',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('archived_at', models.DateTimeField(verbose_name='归档时间（UTC）')),
                ('archived_local', models.CharField(max_length=32, verbose_name='归档时间（北京时间）')),
                ('cut', models.DateTimeField(help_text='归档的记录都早于此时', verbose_name='截止时间（UTC）')),
                ('first_id', models.BigIntegerField(verbose_name='第一条')),
                ('last_id', models.BigIntegerField(unique=True, verbose_name='最后一条')),
                ('count', models.BigIntegerField(verbose_name='条数')),
                ('first_prev_hash', models.CharField(max_length=64, verbose_name='第一条的前一条哈希')),
                ('first_hash', models.CharField(max_length=64, verbose_name='第一条的哈希')),
                ('last_hash', models.CharField(max_length=64, verbose_name='最后一条的哈希')),
                ('file_name', models.CharField(max_length=255, verbose_name='归档文件')),
                ('file_sha256', models.CharField(max_length=64, verbose_name='归档文件 SHA-256')),
                ('manifest', models.TextField(verbose_name='清单（签名的内容）')),
                ('signature_algorithm', models.CharField(max_length=16, verbose_name='签名算法')),
                ('key_id', models.CharField(max_length=32, verbose_name='签名密钥指纹')),
                ('signature', models.TextField(verbose_name='签名')),
            ],
            options={
                'verbose_name': '审计归档',
                'verbose_name_plural': '审计归档',
                'ordering': ['last_id'],
                'default_permissions': ('view',),
            },
        ),
        migrations.CreateModel(
            name='AuditArchivePermit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_id', models.BigIntegerField()),
                ('last_id', models.BigIntegerField()),
                ('txid', models.BigIntegerField(blank=True, null=True)),
                ('created_at', models.DateTimeField()),
            ],
            options={
                'default_permissions': (),
            },
        ),
        migrations.RunPython(forward, reverse),
    ]
