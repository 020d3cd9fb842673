"""The column lists of the raw SQL (results/storage.py) against the models: a field
added to a model (or renamed) without a place in a list fails here, before a COPY
or an INSERT leaves it out, or names a column that is gone."""

from __future__ import annotations

from django.db import models

from deskpemilu.results import storage
from deskpemilu.results.models import CHasilFields, ResultSheet, SheetFlag
from deskpemilu.results.spec import FIELDS


def columns(model: type[models.Model]) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


def assert_covers(written: tuple[str, ...], left: tuple[str, ...], model) -> None:
    """Every column of the model is written or left on purpose, once."""
    assert len(set(written)) == len(written), "a column written twice"
    assert not set(written) & set(left), "a column both written and left"
    assert sorted(written + left) == sorted(columns(model))


def test_a_new_sheet_is_written_with_every_column_of_the_model():
    assert_covers(storage.SHEET_INSERT_COLUMNS, storage.SHEET_INSERT_SKIPS, ResultSheet)


def test_a_changed_sheet_rewrites_or_keeps_every_column_of_the_model():
    assert_covers(storage.SHEET_UPDATE_COLUMNS, storage.SHEET_UPDATE_KEEPS, ResultSheet)


def test_a_flag_is_written_with_every_field_of_the_model():
    assert_covers(storage.FLAG_INSERT_FIELDS, storage.FLAG_INSERT_SKIPS, SheetFlag)


def test_the_c_hasil_fields_of_the_model_are_the_spec_fields_in_order():
    # The writers and the reads put spec.FIELDS in SQL one after the other.
    numbers = [
        f.column
        for f in CHasilFields._meta.get_fields()
        if isinstance(f, models.IntegerField)
    ]
    assert tuple(numbers) == FIELDS
