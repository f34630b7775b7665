"""Sample content for the official documents: a 函告 and a specimen seal.

Used for the rendered examples under docs/documents, by the compliance tests and as a
stand-in preview until a letter is filled from records. The seal is a clearly marked
specimen (样章): a sub-center configures the image of its real seal.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from desktop.documents.letter import LetterContent
from desktop.documents.official import Level, Paragraph
from resources import resource_path

SEAL_RED = (230, 0, 0, 255)


def sample_letter(seal_png: Path | None = None) -> LetterContent:
    """A two-page 函告 from the demo street with attachments, contact and 抄送."""
    return LetterContent(
        issuing_organ="长沙市芙蓉区芙蓉街道办事处",
        doc_number="芙街函〔2026〕12号",
        recipient="长沙市芙蓉区城市管理和综合执法局",
        title="关于商业街区占道经营和违规设置户外广告问题的函",
        paragraphs=(
            Paragraph("2026年11月18日上午，我街道综合指挥分中心网格员在日常巡查中发现，"
                      "五一大道与黄兴中路交会处东北角（芙蓉网格第07号网格）有3家商户长期占用人行道经营，"
                      "并在建筑外立面违规设置大型户外广告牌2块，占用盲道约40米，"
                      "影响行人通行和市容秩序。经网格员现场劝导，商户未予整改。"),
            Paragraph("一、基本情况", Level.H1),
            Paragraph("经核查，上述行为违反了《城市市容和环境卫生管理条例》第十四条、"
                      "《湖南省户外广告设置管理办法》第十二条的规定。该事项属于“街道吹哨、部门报到”"
                      "清单第23项，依法由贵局负责查处。"),
            Paragraph("二、工作请求", Level.H1),
            Paragraph("（一）依法查处。", Level.H2,
                      "请贵局安排执法人员于5个工作日内到现场核查，依法责令当事人限期改正，"
                      "拆除违规设置的户外广告设施。"),
            Paragraph("（二）共同治理。", Level.H2,
                      "我街道将组织社区、网格力量配合做好宣传劝导和后续巡查工作，防止问题反弹。"),
            Paragraph("请于2026年11月30日前办结并函复。"),
            Paragraph("特此函告。"),
        ),
        sender="长沙市芙蓉区芙蓉街道办事处",
        date=dt.date(2026, 11, 23),
        attachments=("现场照片（6张）", "占道经营商户及户外广告设施清单"),
        seal_png=seal_png,
        contact_person="李明",
        contact_phone="0731-84123456",
        cc=("长沙市芙蓉区人民政府办公室", "芙蓉街道综合指挥分中心"),
    )


def draw_specimen_seal(path: Path, organ: str = "长沙市芙蓉区芙蓉街道办事处",
                       pixels: int = 600) -> Path:
    """Write a round red specimen seal (PNG with transparency) marked 样章."""
    image = Image.new("RGBA", (pixels, pixels), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = pixels / 2
    ring = pixels * 0.035
    draw.ellipse((ring / 2, ring / 2, pixels - ring / 2, pixels - ring / 2),
                 outline=SEAL_RED, width=round(ring))
    _star(draw, centre, centre, pixels * 0.14)
    font_path = str(resource_path("fonts", "wqy-microhei.ttc"))
    label = ImageFont.truetype(font_path, round(pixels * 0.075))
    draw.text((centre, centre + pixels * 0.24), "样章", font=label, fill=SEAL_RED, anchor="mm")
    _arc_text(image, organ, ImageFont.truetype(font_path, round(pixels * 0.088)), pixels)
    image.save(path)
    return path


def _star(draw: ImageDraw.ImageDraw, x: float, y: float, radius: float) -> None:
    points = []
    for k in range(10):
        r = radius if k % 2 == 0 else radius * 0.382
        angle = math.pi / 2 + k * math.pi / 5
        points.append((x + r * math.cos(angle), y - r * math.sin(angle)))
    draw.polygon(points, fill=SEAL_RED)


def _arc_text(image: Image.Image, text: str, font: ImageFont.FreeTypeFont, pixels: int) -> None:
    """The organ's name along the upper arc, each character upright towards the centre."""
    radius = pixels * 0.355
    span = math.radians(min(230, 19 * len(text)))
    size = round(pixels * 0.16)
    for index, char in enumerate(text):
        angle = math.pi / 2 + span / 2 - span * (index + 0.5) / len(text)
        tile = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((size / 2, size / 2), char, font=font, fill=SEAL_RED, anchor="mm")
        tile = tile.rotate(math.degrees(angle - math.pi / 2), resample=Image.Resampling.BICUBIC)
        x = pixels / 2 + radius * math.cos(angle) - size / 2
        y = pixels / 2 - radius * math.sin(angle) - size / 2
        image.alpha_composite(tile, (round(x), round(y)))
