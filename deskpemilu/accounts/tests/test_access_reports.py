"""Who may draft, approve and issue situation reports, and whose reports one sees."""

from __future__ import annotations

import pytest

from deskpemilu.accounts import access
from deskpemilu.regions.models import Region

pytestmark = pytest.mark.django_db


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def test_desk_staff_draft_reports_of_their_scope(
    province_coordinator, kabkota_operator, leader, police_liaison
):
    assert access.can_draft_report(province_coordinator, region("36"))
    assert access.can_draft_report(kabkota_operator, region("36.73"))
    assert not access.can_draft_report(kabkota_operator, region("36"))  # outside
    assert not access.can_draft_report(leader, region("36"))  # read-only role
    assert not access.can_draft_report(police_liaison, region("36.01"))
    assert access.can_open_report_form(kabkota_operator)
    assert not access.can_open_report_form(leader)


def test_the_leader_approves_and_issues_in_scope(
    leader, province_coordinator, kabkota_operator
):
    assert access.can_issue_report(leader, region("36"))
    assert access.can_issue_report(leader, region("36.73"))
    assert not access.can_issue_report(province_coordinator, region("36"))
    assert not access.can_issue_report(kabkota_operator, region("36.73"))


def test_the_desk_reader_sees_everything_and_is_nobody():
    reader = access.desk_reader()
    assert access.access_for(reader).sees_code("36.73.04")
    assert access.incidents_visible(reader).query.where.children == []
    assert reader.pk is None
