#!/usr/bin/env python3
"""Writes src/pipelines/stable-diffusion/__fixtures__/pil-clip.json: what Pillow itself gives for the safety
checker's input preparation (resize the shortest side to 224 with Image.BICUBIC, as transformers'
CLIPImageProcessor does, then crop the centre 224x224) on integer-only test cards, so the TypeScript
preparation can be checked against Pillow without Pillow installed. Rows 0, 14, 28, ... of each 224x224 result
are kept (base64 of RGB bytes).

Run with a Python that has Pillow (Debian: apt-get install python3-pil; /usr/bin/python3 runner/scripts/pil-clip-fixture.py).
The card must match `integerCard` in safety-preprocess.test.ts.
"""
import base64
import json
import pathlib

import PIL
from PIL import Image

SIDE = 224
ROW_STEP = 14
SIZES = [(64, 64), (512, 512), (300, 200), (96, 160)]


def tri(t: int) -> int:
    t %= 512
    return t if t < 256 else 511 - t


def card(width: int, height: int) -> Image.Image:
    data = bytearray(width * height * 3)
    for y in range(height):
        for x in range(width):
            for c in range(3):
                v = tri(x * (5 + 2 * c) + y * (3 + c)) + (x * 7 + y * 13 + c * 5) % 9 - 4
                data[(y * width + x) * 3 + c] = min(255, max(0, v))
    return Image.frombytes("RGB", (width, height), bytes(data))


def geometry(width: int, height: int):
    short, long = (width, height) if width <= height else (height, width)
    other = int(SIDE * long / short)
    rw, rh = (SIDE, other) if width <= height else (other, SIDE)
    return rw, rh, (rw - SIDE) // 2, (rh - SIDE) // 2


cases = []
for width, height in SIZES:
    rw, rh, left, top = geometry(width, height)
    out = card(width, height).resize((rw, rh), Image.BICUBIC).crop((left, top, left + SIDE, top + SIDE))
    raw = out.tobytes()
    rows = b"".join(raw[y * SIDE * 3 : (y + 1) * SIDE * 3] for y in range(0, SIDE, ROW_STEP))
    cases.append({"width": width, "height": height, "rows": base64.b64encode(rows).decode()})

target = pathlib.Path(__file__).resolve().parent.parent / "src/pipelines/stable-diffusion/__fixtures__/pil-clip.json"
target.parent.mkdir(exist_ok=True)
target.write_text(json.dumps({"pillow": PIL.__version__, "side": SIDE, "row_step": ROW_STEP, "cases": cases}) + "\n")
print(f"wrote {target} (Pillow {PIL.__version__})")
