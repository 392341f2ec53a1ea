"""Uploaded photos (residents' tips, partners' reports, safety-walk stops): type and size checked, re-encoded as
JPEG without any metadata — EXIF GPS, camera serial and time included — and stored under
``MEDIA_ROOT/<folder>/`` with an unguessable name. Served only by views that check who may see them; never as
public media.

The re-encoding is the defence: a file is decoded by Pillow and a new image is written from its pixels, so
nothing the phone embedded survives (a verbatim copy with tags stripped could keep unknown chunks).
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024
# The pixel budget, checked from the header before anything is decoded: decoding costs time per pixel, and a
# small file can claim many (a 37 KB PNG of 6 300 × 6 300 took 2.1 s). A JPEG is decoded at a reduced scale
# (``Image.draft``: 1/2, 1/4 or 1/8 in the decoder itself), so a 48 MP phone photo costs about 0.4 s; PNG and
# WebP have no such scaling and get a smaller budget (16 MP ≈ 0.5 s).
MAX_PIXELS = {"JPEG": 64_000_000, "PNG": 16_000_000, "WEBP": 16_000_000}
MAX_SIDE = 2048
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
FOLDERS = {"tips", "incidents", "walks"}
_STORED_NAME = re.compile(r"^[0-9a-f]{32}\.jpg$")


class PhotoError(ValueError):
    pass


def photo_dir(folder: str = "tips") -> Path:
    if folder not in FOLDERS:
        raise ValueError(f"unknown photo folder {folder!r}")
    path = Path(settings.MEDIA_ROOT) / folder
    path.mkdir(parents=True, exist_ok=True)
    return path


def photo_path(folder: str, name: str) -> Path:
    """The stored file of ``name`` (as :func:`clean_photo` returned it); refuses any other name."""
    if not _STORED_NAME.match(name or ""):
        raise FileNotFoundError(name)
    return photo_dir(folder) / name


def _decode(upload) -> Image.Image:
    """The upload's pixels as a new image without any metadata; raises PhotoError saying why not."""
    if upload.size > MAX_BYTES:
        raise PhotoError(_("The photo is larger than %(n)s MB.") % {"n": MAX_BYTES // (1024 * 1024)})
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            kind = probe.format
            if kind not in ALLOWED_FORMATS:
                raise PhotoError(_("Only JPEG, PNG and WebP photos are accepted."))
            if probe.width * probe.height > MAX_PIXELS[kind]:
                raise PhotoError(
                    _("The photo has too many pixels (at most %(n)d million for this kind of image).")
                    % {"n": MAX_PIXELS[kind] // 1_000_000}
                )
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format == "JPEG":
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode at 1/2, 1/4 or 1/8 when that is still large enough
            image = ImageOps.exif_transpose(image)  # keep the orientation, then drop every tag
            image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            clean = Image.new("RGB", image.size)
            clean.paste(image)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise PhotoError(_("The file is not a readable image.")) from exc
    finally:
        upload.seek(0)
    return clean


def check_photo(upload) -> None:
    """Raise PhotoError if ``upload`` would not be accepted; stores nothing (for a form's validation)."""
    _decode(upload)


def clean_photo(upload, folder: str = "tips") -> str:
    """Check and re-encode an uploaded image; returns the stored file name. Raises PhotoError saying why."""
    clean = _decode(upload)
    name = f"{secrets.token_hex(16)}.jpg"
    clean.save(photo_dir(folder) / name, format="JPEG", quality=85, optimize=True)
    return name


def photo_response(folder: str, name: str, download_name: str):
    """The stored photo as a response that no browser runs or sniffs; 404 when there is none."""
    from django.http import FileResponse, Http404

    try:
        path = photo_path(folder, name)
    except FileNotFoundError as exc:
        raise Http404 from exc
    if not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), content_type="image/jpeg")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{download_name}"'
    response["Cache-Control"] = "private, max-age=3600"
    return response
