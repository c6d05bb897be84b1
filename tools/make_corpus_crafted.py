#!/usr/bin/env python3
"""The crafted part of the awkward-input corpus (tests/corpus/): files made
byte by byte, with no Pillow, whose sizes only a sniffer that reads every
format's header finds (tools/make_corpus.py makes them with the rest).

Run on its own, it remakes only these files and their entries in
tests/corpus/manifest.json, leaving the other files as they are:
    python3 tools/make_corpus_crafted.py
"""

import json
import struct
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "corpus"


def crafted(add) -> None:
    """Files made byte by byte (no Pillow needed): bombs whose size only a
    header sniffer that reads every format finds, and a JPEG whose size
    cannot be read. `--crafted-only` remakes just these."""
    # A 1 KB RLE8 bitmap claiming 16000×16000 (256 MP): "end of bitmap" at once.
    bmp = (b"BM" + struct.pack("<I", 1080) + b"\0" * 4 + struct.pack("<I", 1078)
           + struct.pack("<IiiHHI", 40, 16000, 16000, 1, 8, 1) + b"\0" * 20)
    (OUT / "bomb-rle.bmp").write_bytes(bmp.ljust(1078, b"\0") + b"\0\1")
    add("bomb-rle.bmp", "1 KB RLE bitmap claiming 16000×16000 pixels", {"code": "image-too-large"})
    # A JPEG whose frame header (20000×20000) sits behind 300 KB of APP1
    # segments and before 100 KB of scan, so neither the first 256 KB nor
    # the last 64 KB hold it.
    app = b"\xff\xe1" + struct.pack(">H", 65535) + b"A" * 65533
    sof = (b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, 20000, 20000, 3)
           + bytes([1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]))
    far = b"\xff\xd8" + app * 5 + sof + b"\xff\xda\0\2" + b"U" * 100000 + b"\xff\xd9"
    (OUT / "bomb-far-sof.jpg").write_bytes(far)
    add("bomb-far-sof.jpg", "JPEG claiming 20000×20000 in a frame header 320 KB in",
        {"code": "image-too-large"})
    # A GIF whose screen is 10×10 but whose first frame is 30000×30000.
    gif = (b"GIF89a" + struct.pack("<HHBBB", 10, 10, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff"
           + b"\x2c" + struct.pack("<HHHHB", 0, 0, 30000, 30000, 0) + b"\2\2\x4c\1\0\x3b")
    (OUT / "bomb-frame.gif").write_bytes(gif)
    add("bomb-frame.gif", "GIF with a 10×10 screen and a 30000×30000 first frame",
        {"code": "image-too-large"})
    # An extended WebP (VP8X) claiming a 20000×20000 canvas.
    vp8x = b"VP8X" + struct.pack("<I", 10) + b"\x10\0\0\0" + (19999).to_bytes(3, "little") * 2
    (OUT / "bomb-vp8x.webp").write_bytes(b"RIFF" + struct.pack("<I", 4 + len(vp8x)) + b"WEBP" + vp8x)
    add("bomb-vp8x.webp", "WebP (VP8X) claiming 20000×20000 pixels", {"code": "image-too-large"})
    # An AVIF whose image properties (ispe) claim 30000×30000.
    def box(kind, body):
        return struct.pack(">I", 8 + len(body)) + kind + body
    ipco = box(b"ipco", box(b"ispe", b"\0" * 4 + struct.pack(">II", 30000, 30000)))
    ipma = box(b"ipma", b"\0" * 4 + struct.pack(">IHBB", 1, 1, 1, 0x81))
    meta = box(b"meta", b"\0" * 4 + box(b"pitm", b"\0" * 4 + b"\0\1") + box(b"iprp", ipco + ipma))
    avif = box(b"ftyp", b"avif" + b"\0" * 4 + b"mif1avif") + meta + box(b"mdat", b"\0" * 64)
    (OUT / "bomb-ispe.avif").write_bytes(avif)
    add("bomb-ispe.avif", "AVIF whose ispe claims 30000×30000 pixels", {"code": "image-too-large"})
    # A JPEG with its scan before any frame header: its size cannot be read.
    (OUT / "no-size.jpg").write_bytes(b"\xff\xd8\xff\xda\0\2" + b"U" * 2000 + b"\xff\xd9")
    add("no-size.jpg", "JPEG with no frame header before its pixels (size unreadable)",
        {"code": "not-an-image"})


def main() -> None:
    """Remakes only the crafted files and their manifest entries."""
    path = OUT / "manifest.json"
    entries = json.loads(path.read_text())
    new = []
    crafted(lambda name, what, page, cli=None: new.append(
        {"file": name, "what": what, "page": page, "cli": cli or page}))
    names = {e["file"] for e in new}
    entries = [e for e in entries if e["file"] not in names]
    # After the other bombs, as a full run places them.
    at = max(i for i, e in enumerate(entries) if e["file"].startswith("bomb")) + 1
    entries[at:at] = new
    path.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
