"""The selected item of the 事项清单 page: its duties and legal basis on the left, the
units it proposes for dispatch on the right (matched to the unit directory, or listed
plainly when the directory has no such unit). A pure view: the page loads the
``RoutingProposal`` and hands it over.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QHBoxLayout, QTextBrowser, QWidget

from desktop.domain.responsibilities import MatchHow, UnitMatch
from desktop.services.responsibilities import ListVersionRow, RoutingProposal

_STYLE = """
<style>
h3 { color: #1f3a5a; margin: 0 0 4px 0; font-size: 12pt; }
h4 { color: #1f3a5a; margin: 10px 0 2px 0; font-size: 10pt; }
p { margin: 0 0 4px 0; line-height: 140%; }
.muted { color: #6b7785; }
.note { color: #7a5b00; }
</style>
"""
_BADGE = "background:#dfeaf7; color:#1f3a5a;"
_MARK = {
    MatchHow.FULL_NAME: ("#1e6b34", "✔"), MatchHow.SHORT_NAME: ("#1e6b34", "✔"),
    MatchHow.SIMILAR: ("#1e6b34", "✔"), MatchHow.STREET: ("#2e5a88", "●"),
    MatchHow.NONE: ("#b35c00", "？"),
}
EMPTY_TEXT = "在上方列表中选择一个事项，查看区级部门职责、街道职责、法律依据和派遣建议。"
NO_LIST_TEXT = (
    "尚未导入属地管理事项清单。\n\n清单由区级下发，是诉求派遣、吹哨和文书的依据（清单之外无协同）。"
    "在与区级平台的同步上线前，请由系统管理员点击“导入新版本…”从 Excel 导入区级下发的清单；"
    "可先点击“下载模板”查看格式。"
)


def _paragraphs(text: str) -> str:
    if not text.strip():
        return '<p class="muted">（清单未填写）</p>'
    return f"<p>{'<br>'.join(escape(line) for line in text.splitlines())}</p>"


def _unit_line(match: UnitMatch) -> str:
    colour, mark = _MARK[match.how]
    return f'<p><span style="color:{colour}; font-weight:bold;">{mark}</span>&nbsp;{escape(match.text)}</p>'


def item_html(proposal: RoutingProposal, version: ListVersionRow | None) -> str:
    item = proposal.item
    where = f"第 {version.number} 版{'（现行）' if version.is_current else '（历史版本）'}" if version else ""
    return (
        f"{_STYLE}<h3>{escape(item.code)}&nbsp;&nbsp;{escape(item.name)}</h3>"
        f'<p><span style="{_BADGE}">&nbsp;{escape(item.item_type)}&nbsp;</span>'
        f'&nbsp;&nbsp;<span class="muted">{escape(where)}</span></p>'
        f"<h4>区级部门职责</h4>{_paragraphs(item.district_duty)}"
        f"<h4>街道职责</h4>{_paragraphs(item.street_duty)}"
        f"<h4>法律依据</h4>{_paragraphs(item.legal_basis)}"
    )


def routing_html(proposal: RoutingProposal) -> str:
    leads = "".join(_unit_line(m) for m in proposal.leads)
    others = "".join(_unit_line(m) for m in proposal.cooperating) or '<p class="muted">（无）</p>'
    html = (f"{_STYLE}<h3>派遣建议</h3>"
            '<p class="muted">按清单列明的单位派遣、吹哨（清单之外无协同）。</p>'
            f"<h4>主体责任单位</h4>{leads}<h4>配合责任单位</h4>{others}")
    if proposal.unmatched:
        names = "、".join(proposal.unmatched)
        html += (f'<h4>需要人工选择</h4><p class="note">{escape(names)}：派遣或吹哨时请手动选择单位。'
                 "常用单位可在“执法队伍 › 单位名录”中登记，名称或简称与清单一致即可自动匹配。</p>")
    return html


class ResponsibilityDetail(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proposal: RoutingProposal | None = None
        self.text_view = QTextBrowser()
        self.routing_view = QTextBrowser()
        for view in (self.text_view, self.routing_view):
            view.setOpenLinks(False)
            view.setStyleSheet("QTextBrowser { background: white; border: 1px solid #d8dee6;"
                               " border-radius: 4px; padding: 6px; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.text_view, 3)
        layout.addWidget(self.routing_view, 2)
        self.show_message(EMPTY_TEXT)

    def show_message(self, text: str) -> None:
        """No item to show: a plain sentence where the item would be."""
        self.proposal = None
        self.text_view.setHtml(f"{_STYLE}" + "".join(
            f'<p class="muted">{escape(line)}</p>' if line else "<p></p>"
            for line in text.splitlines()))
        self.routing_view.setHtml(f'{_STYLE}<h3>派遣建议</h3><p class="muted">—</p>')

    def show_proposal(self, proposal: RoutingProposal, version: ListVersionRow | None) -> None:
        self.proposal = proposal
        self.text_view.setHtml(item_html(proposal, version))
        self.routing_view.setHtml(routing_html(proposal))
