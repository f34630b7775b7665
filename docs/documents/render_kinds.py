"""Render one PDF of every document kind from the demo street, then PNG pages.

Run from the project root: ``.venv/bin/python docs/documents/render_kinds.py [OUT]``.
Builds the demo street (``desktop.demo.build_demo_street``) in a temporary folder,
drafts every kind through ``desktop.documents.kinds`` from the record
``sample_source`` picks, numbers the numbered kinds (芙街函〔YEAR〕1号 …), stamps the
specimen seal (样章) and writes ``<kind>.pdf`` and ``pdftoppm -r 60 -png`` pages
named ``<kind>-p<N>.png`` into OUT (default: this folder, PNGs only). The letter
drafted from a demand is written as ``letter-demo-p<N>.png`` so that the sample
letter's ``letter-p<N>.png`` (render.py) stays.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop.bootstrap import open_migrated_context
from desktop.clock import today
from desktop.demo import build_demo_street
from desktop.documents import kinds
from desktop.documents.font_roles import resolve_fonts
from desktop.documents.sample_action import plan_sample_action
from desktop.documents.samples import draw_specimen_seal

HERE = Path(__file__).resolve().parent


def render_all(folder: Path, out: Path, *, pngs: bool = True) -> list[Path]:
    """Every kind's PDF (and PNG pages) from a fresh demo street built in ``folder``."""
    context = open_migrated_context(folder / "data")
    build_demo_street(context)
    if kinds.sample_source(context.uow(), kinds.DocumentKind.ACTION_NOTICE) is None:
        plan_sample_action(context.uow, today())  # the demo plans no joint action yet
    seal = draw_specimen_seal(folder / "seal.png")
    fonts = resolve_fonts()
    with context.uow() as uow:
        prefix = uow.sub_center.get().doc_prefix
    written: list[Path] = []
    for kind in kinds.DocumentKind:
        spec = kinds.KIND_SPECS[kind]
        source = kinds.sample_source(context.uow(), kind)
        if source is None:
            print(f"{kind.label}：演示数据中没有可用的记录，跳过")
            continue
        fields = kinds.draft_fields(context.uow(), kind, source)
        number = f"{prefix}{spec.series_word}〔{today().year}〕1号" if spec.numbered else None
        pdf = out / f"{kind.value}.pdf"
        pdf.write_bytes(kinds.render(kind, fields, number=number, issued_on=today(),
                                     fonts=fonts, seal_png=seal))
        written.append(pdf)
        if pngs:
            written += to_pngs(pdf, out, "letter-demo" if kind is kinds.DocumentKind.LETTER
                               else kind.value)
    return written


def to_pngs(pdf: Path, out: Path, stem: str) -> list[Path]:
    for old in out.glob(f"{stem}-p*.png"):
        old.unlink()
    if shutil.which("pdftoppm") is None:  # same resolution through PyMuPDF
        import pymupdf

        targets = []
        for number, page in enumerate(pymupdf.open(pdf), start=1):
            target = out / f"{stem}-p{number}.png"
            page.get_pixmap(dpi=60).save(target)
            targets.append(target)
        return targets
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), f"{scratch}/page"], check=True)
        pages = sorted(Path(scratch).glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        targets = []
        for number, page in enumerate(pages, start=1):
            target = out / f"{stem}-p{number}.png"
            target.write_bytes(page.read_bytes())
            targets.append(target)
    return targets


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for path in render_all(Path(folder), out):
            if path.suffix == ".png":
                print(path)
            elif out == HERE:
                path.unlink()  # the PNGs are what the documentation shows
    for note in resolve_fonts().substitutions():
        print(note)


if __name__ == "__main__":
    main()
