"""The pixel budget of uploaded photos (issue 23): a small file that claims many pixels is refused from its header,
before it is decoded; a large phone photo (JPEG) is still accepted, decoded at a reduced scale."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from trygg.core import photos


def _upload(kind: str, size: tuple[int, int], mode: str = "L") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new(mode, size, 0).save(buffer, kind, optimize=True)
    return SimpleUploadedFile(f"bild.{kind.lower()}", buffer.getvalue(), content_type=f"image/{kind.lower()}")


def test_a_small_png_that_claims_40_million_pixels_is_refused_before_decoding(monkeypatch):
    upload = _upload("PNG", (6300, 6300))
    assert upload.size < 64 * 1024  # the finding: a 37 KB file
    decoded = []
    original_open = Image.Image.load
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(self.size) or original_open(self))
    with pytest.raises(photos.PhotoError, match="16"):
        photos.check_photo(upload)
    assert not decoded, "the pixels were decoded although the header already said too many"


@pytest.mark.django_db
def test_a_48_megapixel_phone_photo_is_accepted_and_stored_at_the_largest_side(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = photos.clean_photo(_upload("JPEG", (8000, 6000), mode="RGB"))
    with Image.open(photos.photo_path("tips", name)) as stored:
        assert max(stored.size) == photos.MAX_SIDE
        assert stored.size == (photos.MAX_SIDE, photos.MAX_SIDE * 3 // 4)


def test_a_png_within_the_budget_is_accepted(settings, tmp_path):
    photos.check_photo(_upload("PNG", (4000, 3000)))
