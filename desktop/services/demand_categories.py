"""The two-level classification of demands (大类 › 小类), configurable per street.

A demand is filed under a 小类 (second level) only: the 大类 alone says too little to
route it or to count it in the monthly figures. ``DEFAULT_CATEGORIES`` is a starting
point drawn from what streets' hotlines commonly receive; the district may sync its own.
``add_category`` and ``add_default_categories`` are non-committing building blocks (the
demo, a future sync); nothing here edits categories from the UI yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.clock import now
from desktop.domain.errors import NotFoundError, ValidationError
from desktop.domain.ids import new_id
from local_db.models import DemandCategory
from local_db.unit_of_work import UnitOfWork

DEFAULT_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("城市管理", ("占道经营", "流动摊贩", "违章搭建", "乱堆乱放", "户外广告")),
    ("市容环卫", ("垃圾清运", "环境卫生", "公厕管理")),
    ("生态环境", ("噪音扰民", "油烟扰民", "施工扬尘", "污水排放")),
    ("市政设施", ("路灯不亮", "井盖缺失", "道路破损", "排水不畅")),
    ("住房物业", ("房屋漏水", "物业纠纷", "电梯故障", "老旧小区改造")),
    ("交通出行", ("停车难", "乱停乱放", "交通设施")),
    ("市场监管", ("食品安全", "价格投诉", "无证经营")),
    ("安全生产", ("消防隐患", "燃气安全", "危房隐患")),
    ("社会事务", ("养老服务", "就业帮扶", "低保救助", "邻里纠纷")),
    ("企业服务", ("项目审批", "水电保障", "用工招聘", "融资协调")),
    ("综合咨询", ("政策咨询", "其他事项")),
)


@dataclass(frozen=True)
class CategoryRow:
    id: str
    name: str
    parent_id: str | None
    parent_name: str
    sort_order: int
    retired: bool

    @property
    def path(self) -> str:
        """大类 › 小类, as lists and forms show it."""
        return f"{self.parent_name} › {self.name}" if self.parent_name else self.name

    @property
    def is_leaf(self) -> bool:
        return self.parent_id is not None


def add_category(uow: UnitOfWork, *, name: str, parent_id: str | None = None,
                 sort_order: int = 0) -> DemandCategory:
    """Insert one category inside an open unit of work (no commit, no audit); returns
    the existing one when the name is already there under the same parent."""
    name = name.strip()
    if not name:
        raise ValidationError("分类名称", "不能为空。")
    if len(name) > 60:
        raise ValidationError("分类名称", "不能超过 60 个字。")
    if parent_id is not None:
        parent = uow.demands.category(parent_id)
        if parent is None:
            raise NotFoundError("找不到上级分类，请刷新后重试。")
        if parent.parent_id is not None:
            raise ValidationError("上级分类", f"“{parent.name}”已是小类；分类只分大类和小类两级。")
    existing = uow.demands.category_by_name(parent_id, name)
    if existing is not None:
        return existing
    stamp = now()
    category = DemandCategory(id=new_id(), version=1, created_at=stamp, updated_at=stamp,
                              parent_id=parent_id, name=name, sort_order=sort_order,
                              retired=False)
    uow.demands.add_category(category)
    uow.flush()
    return category


def add_default_categories(uow: UnitOfWork) -> dict[str, str]:
    """``DEFAULT_CATEGORIES`` (kept where they exist); returns 小类 name → id."""
    leaves: dict[str, str] = {}
    for major_order, (major, minors) in enumerate(DEFAULT_CATEGORIES, start=1):
        parent = add_category(uow, name=major, sort_order=major_order)
        for order, minor in enumerate(minors, start=1):
            leaves[minor] = add_category(uow, name=minor, parent_id=parent.id,
                                         sort_order=order).id
    return leaves


def rows_in(uow: UnitOfWork) -> list[CategoryRow]:
    """Every category, 大类 first then its 小类, inside an open unit of work."""
    categories = list(uow.demands.categories())
    names = {c.id: c.name for c in categories}
    majors = [c for c in categories if c.parent_id is None]
    rows: list[CategoryRow] = []
    for major in majors:
        rows.append(CategoryRow(major.id, major.name, None, "", major.sort_order, major.retired))
        rows += [CategoryRow(c.id, c.name, c.parent_id, names[major.id], c.sort_order, c.retired)
                 for c in categories if c.parent_id == major.id]
    return rows


def list_categories(uow: UnitOfWork) -> list[CategoryRow]:
    with uow:
        return rows_in(uow)


def leaf_category(uow: UnitOfWork, category_id: str) -> DemandCategory:
    """The 小类 a demand may be filed under; refuses a 大类, a retired or unknown one."""
    category = uow.demands.category(category_id)
    if category is None:
        raise ValidationError("诉求分类", "所选分类不存在，可能已被删除，请重新选择。")
    if category.parent_id is None:
        raise ValidationError("诉求分类", f"“{category.name}”是大类，请选择其下的小类。")
    if category.retired:
        raise ValidationError("诉求分类", f"“{category.name}”已停用，请选择其他小类。")
    return category


def category_path(uow: UnitOfWork, category_id: str | None) -> str:
    if category_id is None:
        return ""
    category = uow.demands.category(category_id)
    if category is None:
        return ""
    parent = uow.demands.category(category.parent_id) if category.parent_id else None
    return f"{parent.name} › {category.name}" if parent else category.name
