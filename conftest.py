"""Shared fixtures: Banten's data loaded once per run, and the desk's personas."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.test import Client

from deskpemilu.accounts.models import Agency, Role, User
from deskpemilu.accounts.services import user_create
from deskpemilu.desk.bootstrap import banten_load
from deskpemilu.regions.models import Region

PASSWORD = "uji-rahasia-123"


@contextmanager
def _quiet(total: int, desc: str) -> Iterator[Callable[[int], None]]:
    yield lambda n: None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real Banten master data, loaded once into the test database."""
    with django_db_blocker.unblock():
        banten_load(progress=_quiet, log=lambda line: None)


def make_member(username: str, agency: str, role: str, region: str) -> User:
    return user_create(
        username=username,
        password=PASSWORD,
        agency=Agency.objects.get(code=agency),
        role=role,
        region=Region.objects.get(code=region),
    )


@pytest.fixture
def province_coordinator(db) -> User:
    return make_member("koordinator", "kesbangpol-banten", Role.COORDINATOR, "36")


@pytest.fixture
def kabkota_operator(db) -> User:
    """An operator of the Kota Serang desk: sees Kota Serang (36.73) only."""
    return make_member("operator_serang", "pemkot-serang", Role.OPERATOR, "36.73")


@pytest.fixture
def police_liaison(db) -> User:
    """The liaison officer of Polres Pandeglang (36.01)."""
    return make_member("polres_pandeglang", "polres-pandeglang", Role.LIAISON, "36.01")


@pytest.fixture
def leader(db) -> User:
    """A read-only leader of the province (e.g. the Sekda)."""
    return make_member("sekda", "pemprov-banten", Role.LEADER, "36")


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def build(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return build
