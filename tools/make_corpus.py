#!/usr/bin/env python3
"""Makes the awkward-input corpus in tests/corpus/ (committed; rerun only to
change it). Every file is generated here from the project's own synthetic
scalp, nothing is downloaded.

Needs (dev only, not for the tests): Pillow (with AVIF) and pillow-heif:
    python3 -m venv /tmp/corpus-env && /tmp/corpus-env/bin/pip install Pillow pillow-heif
    cargo build --release --bin smp && /tmp/corpus-env/bin/python tools/make_corpus.py

tests/corpus/manifest.json says what each file is and what must happen to it
in the page and in `smp render`: "ok" with the upright, working size (and
whether the red/blue corner marks must be found upright), or an error code.
The 48-megapixel photo is not committed: tests/corpus.test.mjs makes it in
the browser at test time.
"""

import io
import json
import subprocess
import sys
import zlib
import struct
from pathlib import Path

from PIL import Image, ImageOps

from make_corpus_crafted import crafted

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "corpus"
W, H = 320, 240


def base_photo() -> Image.Image:
    """The synthetic scalp with a red mark top-left and a blue one top-right,
    so that a test can tell whether a photo arrived upright."""
    tmp = OUT / "_base.png"
    subprocess.run(
        [str(ROOT / "target/release/smp"), "sample", "--out", str(tmp),
         "--width", str(W), "--height", str(H), "--seed", "3"],
        check=True,
    )
    img = Image.open(tmp).convert("RGB")
    tmp.unlink()
    img.paste((220, 30, 30), (0, 0, 48, 36))
    img.paste((30, 40, 220), (W - 48, 0, W, 36))
    return img


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def raw_png(width: int, height: int, color_type: int, rows: bytes) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + png_chunk(b"IDAT", rows) + png_chunk(b"IEND", b""))


def save(img: Image.Image, name: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, **kw)
    data = buf.getvalue()
    (OUT / name).write_bytes(data)
    return data


# Pillow's transpose that undoes each EXIF orientation (as exif_transpose
# applies it), so a file stored this way shows the base photo upright.
STORE = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def main() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    base = base_photo()
    ok = {"ok": True, "size": [W, H], "upright": True}
    entries = []

    def add(name, what, page, cli=None):
        entries.append({"file": name, "what": what, "page": page, "cli": cli or page})

    (OUT / "empty.jpg").write_bytes(b"")
    add("empty.jpg", "empty file", {"code": "empty-file"})
    (OUT / "text-renamed.jpg").write_text("These are my notes, not a photo.\n" * 20)
    add("text-renamed.jpg", "text renamed .jpg", {"code": "not-an-image"})

    jpeg = save(base, "baseline.jpg", format="JPEG", quality=90)
    add("baseline.jpg", "plain baseline JPEG", ok)
    (OUT / "truncated.jpg").write_bytes(jpeg[: len(jpeg) // 2])
    add("truncated.jpg", "JPEG cut in half", {"code": "truncated-file"})
    png = save(base, "photo-named.jpg", format="PNG")
    add("photo-named.jpg", "PNG with a .jpg name", ok)
    (OUT / "truncated.png").write_bytes(png[: len(png) // 2])
    add("truncated.png", "PNG cut in half", {"code": "truncated-file"})

    save(base.convert("CMYK"), "cmyk.jpg", format="JPEG", quality=90)
    add("cmyk.jpg", "CMYK JPEG (Adobe)", ok)
    save(base, "progressive.jpg", format="JPEG", quality=90, progressive=True)
    add("progressive.jpg", "progressive JPEG", ok)
    save(ImageOps.grayscale(base), "grey.jpg", format="JPEG", quality=90)
    add("grey.jpg", "greyscale JPEG", {"ok": True, "size": [W, H]})
    padded = jpeg + b"\0" * 4096
    (OUT / "zero-padded.jpg").write_bytes(padded)
    add("zero-padded.jpg", "JPEG padded with zeros after its end (some cameras)", ok)

    # 16-bit RGBA: Pillow cannot write it, so the PNG is written by hand.
    rows = bytearray()
    for y in range(H):
        rows.append(0)
        for x in range(W):
            r, g, b = base.getpixel((x, y))
            a = 65535 if x < W - 40 else 65535 * (W - x) // 40  # fades out at the right
            rows += struct.pack(">HHHH", r * 257, g * 257, b * 257, a)
    ihdr = struct.pack(">IIBBBBB", W, H, 16, 6, 0, 0, 0)
    (OUT / "rgba16.png").write_bytes(
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + png_chunk(b"IEND", b""))
    add("rgba16.png", "16-bit RGBA PNG with transparency", ok)

    pal = base.quantize(colors=64)
    pal.info["transparency"] = 0
    save(pal, "palette-transparent.png", format="PNG", transparency=0)
    add("palette-transparent.png", "palette PNG with a transparent colour", {"ok": True, "size": [W, H]})
    save(ImageOps.grayscale(base), "grey.png", format="PNG")
    add("grey.png", "8-bit grey PNG", {"ok": True, "size": [W, H]})
    grey16 = ImageOps.grayscale(base).point(lambda v: v * 257, "I").convert("I;16")
    save(grey16, "grey16.png", format="PNG")
    add("grey16.png", "16-bit grey PNG", {"ok": True, "size": [W, H]})
    la = ImageOps.grayscale(base).convert("LA")
    save(la, "grey-alpha.png", format="PNG")
    add("grey-alpha.png", "grey + alpha PNG", {"ok": True, "size": [W, H]})

    frames = [base.quantize(colors=128)] + [
        base.rotate(180).quantize(colors=128) for _ in range(2)]
    frames[0].save(OUT / "animated.gif", save_all=True, append_images=frames[1:],
                   duration=200, loop=0)
    add("animated.gif", "animated GIF (the first frame is used)", ok)
    save(base, "lossy.webp", format="WEBP", quality=85)
    add("lossy.webp", "lossy WebP", ok)
    save(base.convert("RGBA"), "lossless-alpha.webp", format="WEBP", lossless=True)
    add("lossless-alpha.webp", "lossless WebP with alpha", ok)
    save(base, "photo.bmp", format="BMP")
    add("photo.bmp", "Windows bitmap", ok)
    save(base, "photo.avif", format="AVIF", quality=80)
    add("photo.avif", "AVIF", ok, {"code": "unsupported-format"})
    save(base, "photo.heic", format="HEIF", quality=80)
    add("photo.heic", "HEIC (iPhone)", {"code": "unsupported-format"})
    save(base, "photo.tif", format="TIFF", compression="tiff_lzw")
    add("photo.tif", "TIFF", {"code": "unsupported-format"})
    (OUT / "script.svg").write_text(
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240">'
        '<rect width="320" height="240" fill="#c99"/>'
        '<script>window.top.__svgScriptRan = true; fetch("http://127.0.0.1:9/svg-leak");</script>'
        '<image href="http://127.0.0.1:9/svg-image.png" width="10" height="10"/></svg>\n')
    add("script.svg", "SVG drawing with a script inside", {"code": "unsupported-format"})

    save(Image.new("RGB", (1, 1), (200, 160, 140)), "one-pixel.png", format="PNG")
    add("one-pixel.png", "1×1 pixel", {"ok": True, "size": [1, 1]})
    wide = Image.new("RGB", (30000, 8), (200, 160, 140))
    save(wide, "wide.png", format="PNG", optimize=True)
    add("wide.png", "30000×8 pixels (extremely wide)", {"ok": True, "size": [16384, 4], "reduced": True})

    # Decompression bombs: headers that claim enormous sizes.
    (OUT / "bomb-header.png").write_bytes(
        raw_png(100000, 100000, 2, zlib.compress(b"\0" * 1024)))
    add("bomb-header.png", "PNG claiming 100000×100000 pixels", {"code": "image-too-large"})
    side = 20000  # 400 MP of zeros: about 400 KB compressed
    comp = zlib.compressobj(9)
    rows = b"".join(comp.compress(b"\0" * (side + 1)) for _ in range(side)) + comp.flush()
    (OUT / "bomb-zeros.png").write_bytes(raw_png(side, side, 0, rows))
    add("bomb-zeros.png", "real 20000×20000 grey PNG of zeros (400 MP)", {"code": "image-too-large"})
    gif = bytearray((OUT / "animated.gif").read_bytes())
    gif[6:10] = struct.pack("<HH", 65535, 65535)
    (OUT / "bomb.gif").write_bytes(bytes(gif))
    add("bomb.gif", "GIF claiming 65535×65535 pixels", {"code": "image-too-large"})

    crafted(add)

    for o, op in STORE.items():
        stored = base if op is None else base.transpose(op)
        exif = Image.Exif()
        exif[0x0112] = o
        name = f"exif-{o}.jpg"
        save(stored, name, format="JPEG", quality=92, exif=exif.tobytes())
        shown = ImageOps.exif_transpose(Image.open(OUT / name))
        assert shown.size == (W, H), (name, shown.size)
        assert shown.getpixel((10, 10))[0] > 150, name
        add(name, f"JPEG with EXIF orientation {o}", ok)

    (OUT / "manifest.json").write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"{len(entries)} files, {total / 1024:.0f} KB in {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
