"""What the setup page shows: the QR code to scan and the same secret to type by hand."""

from __future__ import annotations

import base64
from base64 import b32encode

import qrcode
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathFillImage


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code in a data: URI (the CSP allows data: images; no script needed)."""
    image = qrcode.make(device.config_url, image_factory=SvgPathFillImage, box_size=10, border=2)
    svg = image.to_string(encoding="utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def secret_groups(device: TOTPDevice) -> str:
    """The base32 secret in groups of four characters, for manual entry."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
