"""Render the sample 函告 to PNG pages (100 dpi) for the documentation.

Run from the project root: ``.venv/bin/python docs/documents/render.py``. Writes
letter.pdf's pages as letter-p1.png, letter-p2.png… next to this file; the seal is
the generated specimen (样章), and the fonts are whatever this machine resolves
(the substitutions are printed).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pymupdf

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop.documents.font_roles import resolve_fonts
from desktop.documents.letter import render_letter
from desktop.documents.samples import draw_specimen_seal, sample_letter

HERE = Path(__file__).resolve().parent


def main() -> None:
    fonts = resolve_fonts()
    with tempfile.TemporaryDirectory() as folder:
        seal = draw_specimen_seal(Path(folder) / "seal.png")
        document = pymupdf.open(stream=render_letter(sample_letter(seal), fonts), filetype="pdf")
        for number, page in enumerate(document, start=1):
            target = HERE / f"letter-p{number}.png"
            page.get_pixmap(dpi=100).save(target)
            print(target.relative_to(HERE.parents[1]))
    for note in fonts.substitutions():
        print(note)


if __name__ == "__main__":
    main()
