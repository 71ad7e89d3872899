"""Image files (JPEG, PNG, TIFF …): pages are frames; text only through OCR."""

from __future__ import annotations

from pathlib import Path

from ..errors import ReadError

MAX_PIXELS = 80_000_000  # ~ A3 at 600 dpi; anything bigger is refused before decoding
MAX_FRAMES = 500


def _pil():
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    return Image


def image_frames(path: Path) -> int:
    """Number of frames (pages); refuses absurd dimensions and undecodable files."""
    Image = _pil()
    try:
        with Image.open(path) as image:
            width, height = image.size
            if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
                raise ReadError(
                    f"image of {width}×{height} pixels is too large (limit {MAX_PIXELS:,} pixels)", path=path
                )
            frames = getattr(image, "n_frames", 1)
            if frames > MAX_FRAMES:
                raise ReadError(f"image has {frames} frames (limit {MAX_FRAMES})", path=path)
            image.seek(0)
            image.load()
            return frames
    except ReadError:
        raise
    except Image.DecompressionBombError as exc:
        raise ReadError(f"image too large ({exc})", path=path) from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ReadError(f"corrupt or unsupported image ({exc})", path=path) from None


def frame_png(path: Path, index: int, out: Path) -> Path:
    """Write frame `index` as a grayscale PNG for the OCR engine."""
    Image = _pil()
    with Image.open(path) as image:
        image.seek(index)
        frame = image.convert("L")
        frame.save(out, format="PNG")
    return out
