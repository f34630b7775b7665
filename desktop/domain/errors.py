"""Errors the core raises. Every message is a Chinese sentence a user can act on:
what happened and what to do, naming the file, row and field where there is one."""

from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    """A refusal the user can act on. ``str(error)`` is the Chinese message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """A value the user typed is wrong; ``field`` names the form field (Chinese label)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"「{field}」{message}")
        self.field = field


class NotFoundError(DomainError):
    pass


class ConflictError(DomainError):
    """The change contradicts data already stored (a duplicate code, a retired grid...)."""


class PermissionDeniedError(DomainError):
    pass


class CancelledError(DomainError):
    def __init__(self, message: str = "操作已取消，数据未作任何更改。") -> None:
        super().__init__(message)


@dataclass(frozen=True)
class RowError:
    """One problem in one cell (or row) of an imported file."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "表头"
        column = f"「{self.column}」列" if self.column else ""
        return f"{self.file} {where}{column}：{self.message}"


class ImportRejectedError(DomainError):
    """A file was refused as a whole; nothing was stored. ``errors`` lists every problem."""

    def __init__(self, file: str, errors: list[RowError]) -> None:
        self.file = file
        self.errors = errors
        shown = "\n".join(str(error) for error in errors[:50])
        more = f"\n……另有 {len(errors) - 50} 处错误" if len(errors) > 50 else ""
        super().__init__(
            f"文件 {file} 有 {len(errors)} 处错误，未导入任何数据，数据库保持原样。"
            f"请改正后重新导入：\n{shown}{more}"
        )
