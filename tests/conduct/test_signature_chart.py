"""A programme manager sees a version's signatures as charts: how many had signed by each
day since publishing, and the share of each organisation's partners who have signed, each
with the same figures in a table and links to the partners still to sign."""

import datetime

import pytest
from django.utils import timezone

from conduct import services
from conduct.models import CodeVersion, Signature
from govuk.charts import Bar, Mark, TimelineRow, bar_chart, line_chart, timeline

CHART = "/codes/health-creation-alliance/versions/2/signatures/chart/"

pytestmark = pytest.mark.django_db


def sign(partner):
    version = CodeVersion.objects.get(code__slug="health-creation-alliance", number=2)
    return services.signature_record(partner=partner, version=version, typed_name=partner.user.get_full_name())[0]


def test_nobody_has_signed_yet(client, priya, alice, bob):
    client.force_login(priya)
    response = client.get(CHART)
    html = response.content.decode()
    assert "0 of 2 partners have signed (0%)" in html
    assert "See the 2 partners who have not signed" in html
    # One point, at publishing, then today: a flat line at nought.
    assert [signed for _, signed in response.context["over_time_rows"]] == [0, 0][
        : len(response.context["over_time_rows"])
    ]
    assert all(signed == 0 for _, signed in response.context["over_time_rows"])
    assert 'id="share-signed-empty"' in html  # no bars of nothing


def test_signatures_count_up_by_day_and_by_organisation(client, priya, alice, bob):
    version = CodeVersion.objects.get(code__slug="health-creation-alliance", number=2)
    version.published_at = timezone.now() - datetime.timedelta(days=5)
    CodeVersion.objects.filter(pk=version.pk).update(published_at=version.published_at)
    signature = sign(alice)
    Signature.objects.filter(pk=signature.pk).update(signed_at=version.published_at + datetime.timedelta(days=3))
    published = timezone.localdate(version.published_at)
    client.force_login(priya)
    response = client.get(CHART)
    html = response.content.decode()
    assert response.context["over_time_rows"] == [
        (published, 0),
        (published + datetime.timedelta(days=3), 1),
        (timezone.localdate(), 1),
    ]
    assert "1 of 2 partners have signed (50%)" in html
    assert "See the 1 partner who has not signed" in html
    rows = {bar.label: bar.figure for bar in response.context["shares"].bars}
    assert rows == {"Riverside Community Health": "100% (1 of 1)", "Northfield Wellbeing Trust": "0% (0 of 1)"}
    # The chart is an image with a title and a description; the table carries the links.
    assert '<svg class="conduct-chart__svg"' in html and 'role="img"' in html
    assert '<title id="share-signed-title">Share of each organisation' in html
    northfield = bob.organisation_id
    assert f'?organisation={northfield}&amp;status=outstanding">Outstanding partners' in html


def test_the_dashboard_links_to_the_charts(client, priya):
    client.force_login(priya)
    assert CHART in client.get(CHART.replace("chart/", "")).content.decode()


def test_a_partner_cannot_see_the_charts(client, alice):
    client.force_login(alice.user)
    assert client.get(CHART).status_code == 403


def test_bars_scale_to_the_largest_or_to_a_maximum():
    chart = bar_chart("c", title="T", description="D", bars=[Bar("a", 10), Bar("b", 40)])
    assert [bar.width for bar in chart.bars] == [120, 480]  # 480 is the room left for figures
    shares = bar_chart("s", title="T", description="D", bars=[Bar("a", 50)], maximum=100)
    assert shares.bars[0].width == 240 and not shares.empty
    assert bar_chart("e", title="T", description="D", bars=[Bar("a", 0)]).empty
    targeted = bar_chart("t", title="T", description="D", bars=[Bar("a", 5, target=10)])
    assert (targeted.bars[0].width, targeted.bars[0].target_x) == (240, 480)


def test_a_line_of_one_point_and_of_none():
    assert line_chart("l", title="T", description="D", points=[]).empty
    single = line_chart("l", title="T", description="D", points=[(datetime.date(2026, 1, 1), 3)])
    assert len(single.points) == 1 and single.axis_labels == [(single.points[0].x, "1 Jan 2026")]
    rising = line_chart(
        "l", title="T", description="D", points=[(datetime.date(2026, 1, 1), 0), (datetime.date(2026, 1, 11), 4)]
    )
    first, last = rising.points
    assert first.x < last.x and first.y > last.y  # up and to the right
    assert rising.value_labels[-1][1] == "4"


def test_a_timeline_marks_today_between_its_marks():
    rows = [
        TimelineRow("Code A", [Mark("done", datetime.date(2026, 1, 1), "done")]),
        TimelineRow("Code B", [Mark("due", datetime.date(2026, 12, 31), "due")]),
    ]
    chart = timeline("t", title="T", description="D", rows=rows, today=datetime.date(2026, 7, 1))
    done, due = rows[0].marks[0], rows[1].marks[0]
    assert done.x < chart.today_x < due.x
    assert done.look["shape"] != due.look["shape"]
