"""Reading a user's YAML file safely: size limit, UTF-8, no custom tags, no aliases (a "billion laughs" of
nested aliases would expand into gigabytes), bounded nesting, dates left as text (so a bad date is our clear
error, not a crash inside the YAML library), and the line of a syntax error."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .errors import InputError


MAX_DEPTH = 64  # nested mappings/lists; a framework is a few levels deep


@cache
def _loader() -> type:
    """SafeLoader that does not turn 2024-31-16 into a date (or a ValueError), refuses aliases (`*name`,
    `<<: *name`) and nesting deeper than MAX_DEPTH."""
    import yaml  # on first use: commands that read no YAML file (most of them) do not pay its import

    class _TextDatesLoader(yaml.SafeLoader):
        _depth = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, f"aliases (*{event.anchor}) are not accepted; write the value out", event.start_mark
                )
            self._depth += 1
            try:
                if self._depth > MAX_DEPTH:
                    raise yaml.composer.ComposerError(
                        None, None, f"nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark
                    )
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

    _TextDatesLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return _TextDatesLoader


def load_yaml_file(path: Path, *, max_bytes: int = 2 * 1024 * 1024, what: str = "YAML file"):
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", path=path)
    if not path.is_file():
        raise InputError(f"is a directory, expected a {what}", path=path)
    if path.stat().st_size > max_bytes:
        raise InputError(f"{what} is larger than {max_bytes // (1024 * 1024)} MB", path=path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", path=path) from None
    loader = _loader()
    import yaml  # (imported by _loader already)

    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise InputError(f"invalid YAML (nested too deeply for a {what})", path=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"{where}invalid YAML ({reason})", path=path) from None
