"""Load rubric YAML files and reject invalid ones with Chinese messages."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from scoring.rubric.checks import rubric_problems
from scoring.rubric.schema import Rubric

logger = logging.getLogger(__name__)

SHIPPED_DIR = Path(__file__).resolve().parent


class RubricError(ValueError):
    """A rubric file that cannot be used; ``problems`` lists each reason in Chinese."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"评分细则 {source} 无效：" + "；".join(problems))


def parse_rubric(data: Mapping[str, Any], source: str = "<内存>") -> Rubric:
    """Build a rubric from parsed YAML data, checking shape and content."""
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as error:
        raise RubricError(source, [_describe_error(data, e) for e in error.errors()]) from None

    problems = rubric_problems(rubric)
    if problems:
        raise RubricError(source, problems)
    return rubric


def load_rubric(path: str | Path) -> Rubric:
    """Load and check one rubric YAML file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RubricError(str(path), [f"无法读取或解析 YAML：{error}"]) from None
    if not isinstance(data, dict):
        raise RubricError(str(path), ["文件顶层必须是映射（键: 值）"])

    rubric = parse_rubric(data, source=path.name)
    logger.info("Loaded rubric %s version %s (%s)", rubric.rubric_id, rubric.version, rubric.content_hash())
    return rubric


def shipped_rubric_ids() -> list[str]:
    """Return the ids of the rubric files shipped with the package, sorted."""
    return sorted(path.stem for path in SHIPPED_DIR.glob("*.yaml"))


def load_shipped_rubric(rubric_id: str) -> Rubric:
    """Load a shipped rubric by id, e.g. 'baotou-2024' or 'baotou-chp-2024'."""
    path = SHIPPED_DIR / f"{rubric_id}.yaml"
    if not path.is_file():
        known = "、".join(shipped_rubric_ids())
        raise RubricError(rubric_id, [f"未找到内置评分细则 {rubric_id}，可用的有：{known}"])

    rubric = load_rubric(path)
    if rubric.rubric_id != rubric_id:
        raise RubricError(path.name, [f"文件名 {rubric_id} 与 rubric_id {rubric.rubric_id} 不一致"])
    return rubric


def _describe_error(data: Mapping[str, Any], error: Mapping[str, Any]) -> str:
    """Describe a pydantic error in Chinese, naming the nearest item code on its path."""
    location = ".".join(str(part) for part in error["loc"])
    owner = _nearest_code(data, error["loc"])
    where = f"（所属编码 {owner}）" if owner else ""
    return f"字段 {location}{where} 无效：{error['msg']}"


def _nearest_code(data: Any, loc: tuple[Any, ...]) -> str | None:
    code = None
    node = data
    for part in loc:
        if isinstance(node, Mapping) and isinstance(node.get("code"), str):
            code = node["code"]
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    if isinstance(node, Mapping) and isinstance(node.get("code"), str):
        code = node["code"]
    return code
