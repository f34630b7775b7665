"""Picking a demand's grid on the map (the grids page's map, offline): click the grid
where the problem is, OK. For callers who name a place rather than an address."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop.services.boundaries import MapData, map_data
from ui.env import UiEnv
from ui.widgets.grid_map import GridMapView


class GridMapPickDialog(QDialog):
    def __init__(self, env: UiEnv, names: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env, self.names = env, names
        self.setWindowTitle("在地图上选择网格")
        self.resize(760, 560)
        self.grid_id: str | None = None
        self.map = GridMapView()
        self.map.gridClicked.connect(self.choose)
        self.label = QLabel("点击地图上的网格，然后按“确定”。")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.map, 1)
        layout.addWidget(self.label)
        layout.addWidget(buttons)

    async def load(self) -> MapData:
        data = await self.env.tasks.db(map_data, self.env.context.uow())
        self.map.set_map(data)
        if not data.grids:
            self.label.setText("尚无网格边界，无法在地图上选择；请在“网格”页导入边界，或直接输入网格名称。")
        return data

    def choose(self, grid_id: str) -> None:
        self.grid_id = grid_id
        self.map.select_grid(grid_id, centre=False)
        self.label.setText(f"已选择：{self.names.get(grid_id, '（已撤销的网格）')}")
        self.ok_button.setEnabled(grid_id in self.names)
