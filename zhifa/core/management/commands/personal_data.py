"""``zhifa personal_data rekey``: rewrite every encrypted personal value under the current data key.

After a key change (new ``ZHIFA_DATA_KEY``, the old one listed in ``ZHIFA_DATA_KEY_RETIRED``), each
value and its search hash are recomputed under the new key; then the old key can be dropped.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zhifa.core import crypto
from zhifa.core.fields import EncryptedCharField, with_hashes


def _encrypted_models():
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
        if fields:
            yield model, fields


class Command(BaseCommand):
    help = "个人信息加密：rekey 用当前密钥重新加密全部个人信息并重算检索哈希"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rekey"])

    def handle(self, *args, action, **options):
        try:
            current = crypto.data_key_id()
        except crypto.DataKeyError as exc:
            raise CommandError(str(exc)) from exc
        total = 0
        for model, fields in _encrypted_models():
            with transaction.atomic():
                for obj in model._base_manager.select_for_update().iterator(chunk_size=500):
                    try:
                        obj.save(update_fields=with_hashes(model, fields))
                    except crypto.DataKeyError as exc:
                        raise CommandError(f"{model._meta.label} #{obj.pk}：{exc}") from exc
                    total += 1
        self.stdout.write(self.style.SUCCESS(f"已用密钥 {current} 重新加密 {total} 条记录的个人信息"))
