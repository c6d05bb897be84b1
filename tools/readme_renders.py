"""Makes docs/renders.jpg for the README from the synthetic sample scalp
(never from the real clinical photos). Dev-only: needs Pillow and a built
`target/release/smp`. Run: python3 tools/readme_renders.py"""
import os
import subprocess
import tempfile

from PIL import Image, ImageDraw

SMP = os.path.join(os.path.dirname(__file__), "..", "target", "release", "smp")
OUT = os.path.join(os.path.dirname(__file__), "..", "docs", "renders.jpg")
# A crop on the edge of the large patch of a 2400x1800 sample (12 px/mm).
CROP = (1380, 640, 1780, 1040)
ZOOM = (1560, 880, 1660, 980)
CASES = [
    ("Before", None),
    ("Patches, healed", ["--mode", "patch"]),
    ("Through hair", ["--mode", "density"]),
    ("Buzz cut", ["--mode", "full"]),
    ("Session 1, fresh", ["--session", "1", "--healing", "fresh"]),
    ("Session 2", ["--session", "2"]),
    ("Session 3, healed", ["--session", "3"]),
    ("8 years later", ["--years-after", "8"]),
]


def main():
    tmp = tempfile.mkdtemp()
    photo, mask = os.path.join(tmp, "sample.png"), os.path.join(tmp, "mask.png")
    subprocess.run([SMP, "sample", "--out", photo, "--patches-out", mask, "--width", "2400", "--height", "1800"], check=True)
    tiles = []
    for label, flags in CASES:
        path = photo
        if flags is not None:
            path = os.path.join(tmp, f"{len(tiles)}.png")
            subprocess.run([SMP, "render", "--input", photo, "--mask", mask, "--out", path, *flags], check=True)
        img = Image.open(path).convert("RGB")
        full = img.crop(CROP).resize((300, 300), Image.LANCZOS)
        zoom = img.crop(ZOOM).resize((300, 300), Image.NEAREST)
        tiles.append((label, full, zoom))
    sheet = Image.new("RGB", (300 * 4 + 30, (300 * 2 + 40) * 2 + 10), "white")
    draw = ImageDraw.Draw(sheet)
    for k, (label, full, zoom) in enumerate(tiles):
        x = (k % 4) * 310
        y = (k // 4) * 650
        draw.text((x + 4, y + 4), label, fill="black")
        sheet.paste(full, (x, y + 22))
        sheet.paste(zoom, (x, y + 22 + 310))
    sheet.save(OUT, quality=85)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
