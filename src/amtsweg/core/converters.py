"""Path converters. ``<id:pk>`` is Django's ``<int:pk>`` limited to 18 ASCII digits: every value fits a
64-bit database integer, so a longer number is a 404 at the URL, not an overflow in the database."""

from __future__ import annotations

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)


register_converter(IdConverter, "id")
