"""Evidence: accepted by content, stored by hash, thumbnailed, served only after its hash is checked."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from zhifa.core import storage
from zhifa.core.models import AuditEntry
from zhifa.core.testing import make_checklist, make_enterprise, make_inspection
from zhifa.inspections import services
from zhifa.inspections.evidence import add_evidence
from zhifa.inspections.models import Evidence
from zhifa.orgs.choices import EquipmentKind
from zhifa.orgs.models import Equipment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _blobs_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture
def draft(world):
    enterprise = make_enterprise(world.board_a, name="湖塘精密机械有限公司")
    return make_inspection(enterprise, [world.alice.officer], checklist=make_checklist(), user=world.alice)


def png(width=40, height=30, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def jpeg_rotated(width=400, height=200) -> bytes:
    """A landscape JPEG whose EXIF says: display rotated 90° (orientation 6), as phones write."""
    image = Image.new("RGB", (width, height), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def upload(name: str, content: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- The service -------------------------------------------------------------------------------------


def test_a_real_png_is_stored_by_its_hash_with_a_jpeg_thumbnail(world, draft):
    content = png()
    evidence = add_evidence(upload("现场.png", content), kind="photo", user=world.alice, inspection=draft)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert (evidence.size, evidence.content_type, evidence.original_name) == (
        len(content),
        "image/png",
        "现场.png",
    )
    assert evidence.board == world.board_a and evidence.uploaded_by == world.alice
    assert storage.read_bytes(evidence.sha256) == content
    assert evidence.has_thumbnail and evidence.thumbnail_sha256 != evidence.sha256
    thumbnail = Image.open(storage.blob_path(evidence.thumbnail_sha256))
    assert thumbnail.format == "JPEG" and thumbnail.size == (40, 30)


def test_the_thumbnail_is_at_most_320_px_and_upright(world, draft):
    evidence = add_evidence(
        upload("门口.jpg", jpeg_rotated()), kind="photo", user=world.alice, inspection=draft
    )
    thumbnail = Image.open(storage.blob_path(evidence.thumbnail_sha256))
    assert thumbnail.size == (160, 320)  # 400x200 turned upright by its EXIF orientation, then scaled
    # the original is untouched
    assert Image.open(storage.blob_path(evidence.sha256)).size == (400, 200)


def test_each_upload_is_written_to_the_audit_chain_with_its_hash(world, draft):
    evidence = add_evidence(upload("a.png", png()), kind="photo", user=world.alice, inspection=draft)
    entries = AuditEntry.objects.filter(object_type="inspections.evidence", object_id=str(evidence.pk))
    assert entries.filter(after__sha256=evidence.sha256).count() == 2  # the model's create and the upload
    assert entries.filter(message__contains=evidence.sha256).exists()


def test_a_text_file_named_jpg_is_refused_in_chinese_naming_the_file(world, draft):
    with pytest.raises(ValidationError) as caught:
        add_evidence(
            upload("假照片.jpg", b"just some text, not an image\n" * 10, "image/jpeg"),
            kind="photo",
            user=world.alice,
            inspection=draft,
        )
    message = caught.value.messages[0]
    assert "假照片.jpg" in message and "不是允许的格式" in message
    assert not Evidence.objects.exists()


def test_the_declared_kind_must_match_the_content(world, draft):
    with pytest.raises(ValidationError) as caught:
        add_evidence(upload("clip.mp4", png()), kind="video", user=world.alice, inspection=draft)
    assert "clip.mp4" in caught.value.messages[0] and "与所选类别“视频”不符" in caught.value.messages[0]


def test_an_oversize_file_is_refused_and_nothing_is_kept(world, draft, settings, tmp_path):
    settings.ZHIFA_EVIDENCE_MAX_MB_PHOTO = 0.001  # about 1 KB
    big = png(300, 300, (1, 2, 3)) + os.urandom(2048)  # a PNG head, then more bytes than allowed
    with pytest.raises(ValidationError) as caught:
        add_evidence(upload("大图.png", big), kind="photo", user=world.alice, inspection=draft)
    assert "大图.png" in caught.value.messages[0] and "上限" in caught.value.messages[0]
    assert not Evidence.objects.exists()
    assert not any(p.is_file() for p in (tmp_path / "blobs").rglob("*"))


def test_an_oversize_stream_of_unknown_size_is_refused_while_storing(world, draft, settings, tmp_path):
    settings.ZHIFA_EVIDENCE_MAX_MB_PHOTO = 0.001
    stream = io.BytesIO(png() + os.urandom(4096))
    stream.name = "无大小.png"
    with pytest.raises(ValidationError, match="无大小.png"):
        add_evidence(stream, kind="photo", user=world.alice, inspection=draft)
    assert not any(p.is_file() for p in (tmp_path / "blobs").rglob("*"))


def test_the_recorder_must_be_a_recorder_of_the_board(world, draft):
    own = Equipment.objects.create(kind=EquipmentKind.RECORDER, serial_number="DSJ-A-1", unit=world.board_a)
    other = Equipment.objects.create(kind=EquipmentKind.RECORDER, serial_number="DSJ-B-1", unit=world.board_b)
    evidence = add_evidence(
        upload("a.png", png()), kind="photo", user=world.alice, inspection=draft, recorder=own
    )
    assert evidence.recorder == own
    with pytest.raises(ValidationError, match="执法记录仪"):
        add_evidence(upload("b.png", png()), kind="photo", user=world.alice, inspection=draft, recorder=other)


def test_a_hazard_photo_is_also_evidence_of_its_inspection(world, draft):
    hazard = services.add_hazard(draft, description="消防通道堵塞")
    evidence = add_evidence(upload("h.png", png()), kind="photo", user=world.alice, hazard=hazard)
    assert (evidence.hazard, evidence.inspection, evidence.board) == (hazard, draft, world.board_a)


def test_the_same_content_twice_is_one_blob_never_overwritten(world, draft, tmp_path):
    content = png()
    first = add_evidence(upload("1.png", content), kind="photo", user=world.alice, inspection=draft)
    second = add_evidence(upload("2.png", content), kind="photo", user=world.alice, inspection=draft)
    assert first.sha256 == second.sha256 and first.pk != second.pk
    originals = [p for p in (tmp_path / "blobs").rglob(first.sha256)]
    assert len(originals) == 1


# --- The pages ---------------------------------------------------------------------------------------


def test_uploading_several_files_accepts_each_good_one_and_names_each_refused_one(world, web, draft):
    url = reverse("inspections:inspection_evidence", args=[draft.pk])
    response = web(world.alice).post(
        url,
        {"kind": "photo", "files": [upload("好.png", png()), upload("坏.jpg", b"not a photo" * 20)]},
        follow=True,
    )
    page = response.content.decode()
    assert Evidence.objects.get().original_name == "好.png"
    assert "坏.jpg" in page and "已上传 1 个文件" in page
    assert reverse("inspections:evidence_thumbnail", args=[Evidence.objects.get().pk]) in page


def test_the_original_downloads_as_an_attachment_after_its_hash_is_checked(world, web, draft):
    content = png()
    evidence = add_evidence(upload("现场.png", content), kind="photo", user=world.alice, inspection=draft)
    response = web(world.albert).get(reverse("inspections:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    thumb = web(world.albert).get(reverse("inspections:evidence_thumbnail", args=[evidence.pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"


def test_a_tampered_file_is_not_served(world, web, draft):
    evidence = add_evidence(upload("现场.png", png()), kind="photo", user=world.alice, inspection=draft)
    path = storage.blob_path(evidence.sha256)
    path.chmod(0o640)
    path.write_bytes(b"tampered")
    response = web(world.alice).get(reverse("inspections:evidence_download", args=[evidence.pk]))
    assert response.status_code == 500
    assert "校验失败" in response.content.decode()
    assert AuditEntry.objects.filter(message__contains="证据文件校验失败").exists()


def test_another_boards_evidence_is_not_found_and_the_expert_may_not_read_it(world, web, draft):
    evidence = add_evidence(upload("现场.png", png()), kind="photo", user=world.alice, inspection=draft)
    for name in ("inspections:evidence_download", "inspections:evidence_thumbnail"):
        url = reverse(name, args=[evidence.pk])
        assert web(world.bob).get(url).status_code == 404
        assert web(world.eve).get(url).status_code == 403
        assert web(world.dan).get(url).status_code == 200


def test_the_hazard_and_re_inspection_pages_take_photos_too(world, web, draft):
    hazard = services.add_hazard(draft, description="消防通道堵塞")
    page = web(world.alice).get(hazard.get_absolute_url()).content.decode()
    assert 'accept="image/*" capture="environment" multiple' in page
    web(world.alice).post(
        reverse("inspections:hazard_evidence", args=[hazard.pk]),
        {"kind": "photo", "files": [upload("h.png", png())]},
    )
    assert Evidence.objects.get().hazard == hazard
