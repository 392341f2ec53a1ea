"""Test images."""

from __future__ import annotations

import io

from PIL import Image


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 20), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90°
    gps = {1: "N", 2: (59.0, 22.0, 45.0), 3: "E", 4: (13.0, 30.0, 12.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()
