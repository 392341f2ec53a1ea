"""Residents' photos: type and size checked, re-encoded as JPEG without any metadata (EXIF GPS included)."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2048
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}


class PhotoError(ValueError):
    pass


def photo_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "tips"
    path.mkdir(parents=True, exist_ok=True)
    return path


def clean_photo(upload) -> str:
    """Check and re-encode an uploaded image; returns the stored file name. Raises PhotoError saying why."""
    if upload.size > MAX_BYTES:
        raise PhotoError(f"the photo is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        with Image.open(upload) as probe:
            kind = probe.format
            if kind not in ALLOWED_FORMATS:
                raise PhotoError("only JPEG, PNG and WebP photos are accepted")
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoError("the photo has too many pixels")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)  # keep the orientation, then drop every tag
            image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            clean = Image.new("RGB", image.size)
            clean.paste(image)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise PhotoError("the file is not a readable image") from exc
    name = f"{secrets.token_hex(16)}.jpg"
    clean.save(photo_dir() / name, format="JPEG", quality=85, optimize=True)
    return name
