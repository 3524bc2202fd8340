"""The reader's display preferences (text size, line spacing, theme), kept in cookies.

They live in cookies, not in the browser's storage, so the server renders every
page at the chosen size from the first byte: no flash of small text, and the
buttons work as plain forms without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping

# Root font size per step, in percent of the browser's own default: sizes are
# relative so browser zoom and the browser's default font size still apply on top.
# Seven steps from 100% to 250% (WCAG technique G178 asks for at least 200%).
FONT_STEPS = (100, 125, 150, 175, 200, 225, 250)
SPACINGS = ("normal", "wide")
THEMES = {"light": "Sáng", "dark": "Tối", "contrast": "Tương phản cao"}

COOKIE_FONT = "font"
COOKIE_SPACING = "spacing"
COOKIE_THEME = "theme"
COOKIE_MAX_AGE = 365 * 24 * 3600
# The cookie values a font step may have ("0".."6"): anything else is the default.
_STEP_NAMES = frozenset(str(n) for n in range(len(FONT_STEPS)))


@dataclass(frozen=True)
class Display:
    font: int = 0
    spacing: str = "normal"
    theme: str = "light"

    @property
    def percent(self) -> int:
        return FONT_STEPS[self.font]

    @property
    def smallest(self) -> bool:
        return self.font == 0

    @property
    def largest(self) -> bool:
        return self.font == len(FONT_STEPS) - 1

    @property
    def wide(self) -> bool:
        return self.spacing == "wide"

    @property
    def message(self) -> str:
        """What the status region says, so a screen reader hears the new size."""
        return f"Cỡ chữ hiện tại: {self.percent}%"

    @classmethod
    def from_cookies(cls, cookies: Mapping[str, str]) -> "Display":
        """Whatever a cookie holds, the result is valid: a bad value means the default."""
        font = cookies.get(COOKIE_FONT, "")
        spacing = cookies.get(COOKIE_SPACING, "")
        theme = cookies.get(COOKIE_THEME, "")
        return cls(
            font=int(font) if font in _STEP_NAMES else 0,
            spacing=spacing if spacing in SPACINGS else "normal",
            theme=theme if theme in THEMES else "light",
        )

    def changed(self, form: Mapping[str, str]) -> "Display":
        """These preferences after one press of a button; unknown values change nothing."""
        result = self
        action = form.get("font")
        if action == "up":
            result = replace(result, font=min(result.font + 1, len(FONT_STEPS) - 1))
        elif action == "down":
            result = replace(result, font=max(result.font - 1, 0))
        elif action == "reset":
            result = replace(result, font=0)
        if form.get("spacing") in SPACINGS:
            result = replace(result, spacing=form["spacing"])
        if form.get("theme") in THEMES:
            result = replace(result, theme=form["theme"])
        return result

    def cookies(self) -> dict[str, str]:
        return {COOKIE_FONT: str(self.font), COOKIE_SPACING: self.spacing, COOKIE_THEME: self.theme}

    def to_dict(self) -> dict:
        return {
            "font": self.font,
            "percent": self.percent,
            "max_font": len(FONT_STEPS) - 1,
            "spacing": self.spacing,
            "theme": self.theme,
            "message": self.message,
        }
