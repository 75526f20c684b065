"""What an uploaded file really is, from its bytes (never from the name or type the client declares).

check(content) -> Accepted(kind) for a PDF that parses, or a JPEG/PNG (HEIC when pillow-heif is
installed) that decodes; otherwise Refused(code): "damaged" (the right magic bytes but it does not
open), "unsupported" (another kind: HTML, SVG, ZIP, EXE...), "too_large_image" (over MAX_PIXELS).
Pure and blocking (pypdf, Pillow): call it in a thread.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from io import BytesIO

MAX_PIXELS = 50_000_000  # about 50 MP: a phone photo is 12-48 MP; decoding more is a memory bomb
EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png", "heic": "heic"}
MIME_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png", "heic": "image/heic"}
KIND_OF_MIME = {mime: kind for kind, mime in MIME_TYPES.items()}
_PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "heic": "HEIF"}
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1")

DAMAGED = "damaged"
UNSUPPORTED = "unsupported"
TOO_LARGE_IMAGE = "too_large_image"


@dataclass(frozen=True)
class Accepted:
    kind: str  # pdf | jpeg | png | heic

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.kind]

    @property
    def mime_type(self) -> str:
        return MIME_TYPES[self.kind]


@dataclass(frozen=True)
class Refused:
    code: str  # DAMAGED | UNSUPPORTED | TOO_LARGE_IMAGE


def sniff(content: bytes) -> str | None:
    """The kind the magic bytes claim (None: none we accept)."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content[4:8] == b"ftyp" and content[8:12] in _HEIF_BRANDS and _heif_available():
        return "heic"
    return None


def check(content: bytes) -> Accepted | Refused:
    kind = sniff(content)
    if kind is None:
        return Refused(UNSUPPORTED)
    if kind == "pdf":
        return Accepted(kind) if _pdf_opens(content) else Refused(DAMAGED)
    return _image(content, kind)


def _pdf_opens(content: bytes) -> bool:
    from pypdf import PdfReader

    try:  # a PDF cut short lacks its %%EOF marker and pypdf refuses it, even when not strict
        reader = PdfReader(BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return False  # password-protected: staff could not open it either
        pages = reader.pages
        if len(pages) == 0:
            return False
        for page in pages:  # each page object resolves (a broken object tree raises here)
            page.mediabox  # noqa: B018
    except Exception:  # pypdf raises many kinds on hostile input; all mean "does not open"
        return False
    return True


def _image(content: bytes, kind: str) -> Accepted | Refused:
    from PIL import Image

    if kind == "heic":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(content)) as img:
                if img.format != _PIL_FORMATS[kind]:
                    return Refused(UNSUPPORTED)
                width, height = img.size
                if width * height > MAX_PIXELS:  # read from the header, before decoding anything
                    return Refused(TOO_LARGE_IMAGE)
                img.load()  # decodes every pixel: a truncated or corrupt image raises
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return Refused(TOO_LARGE_IMAGE)
    except Exception:  # PIL raises OSError, SyntaxError, ValueError... on broken input
        return Refused(DAMAGED)
    return Accepted(kind)


def _heif_available() -> bool:
    try:
        import pillow_heif  # noqa: F401
    except ImportError:
        return False
    return True
