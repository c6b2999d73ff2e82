"""Code reviews fall due on schedule, are opened once, reminded while overdue
and completed with their outcome; three years of a code's life."""

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from conduct import services
from conduct.canonical_text import text_sha256, version_canonical_text
from conduct.models import AuditEntry, CodeReview, CodeVersion
from conduct.selectors import with_content

HCA = "health-creation-alliance"


def on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(7, 0), tzinfo=datetime.UTC), tick=False)


def reviews_of(slug=HCA):
    return list(CodeReview.objects.filter(code__slug=slug).order_by("due_on").values_list("kind", "due_on", "status"))


def current(slug=HCA) -> CodeVersion:
    return CodeVersion.objects.get(code__slug=slug, status=CodeVersion.Status.PUBLISHED)


def test_nothing_is_opened_before_the_first_light_touch_review_falls_due(seed_codes, ada):
    assert services.code_reviews_open_due(today=datetime.date(2024, 9, 30)) == []
    assert reviews_of() == []


def test_the_first_light_touch_review_opens_on_its_due_date_assigned_to_the_administrators(
    seed_codes, ada, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        opened = services.code_reviews_open_due(today=datetime.date(2024, 10, 1))
    assert [(r.code.slug, r.kind, r.due_on) for r in opened] == [(HCA, "light_touch", datetime.date(2024, 10, 1))]
    assert list(opened[0].assignees.all()) == [ada.__class__.objects.get(pk=ada.pk)]
    assert [m.subject for m in mail.outbox] == ["Light-touch review due: The Health Creation Alliance Code of Conduct"]
    assert mail.outbox[0].to == ["ada@example.org"]
    assert f"/reviews/{opened[0].pk}/" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="review.opened", subject_id=str(opened[0].pk)).exists()


def test_opening_twice_opens_each_review_once(seed_codes, ada, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.code_reviews_open_due(today=datetime.date(2024, 10, 1))
        assert services.code_reviews_open_due(today=datetime.date(2024, 10, 1)) == []
        assert services.code_reviews_open_due(today=datetime.date(2024, 10, 20)) == []
    assert len(reviews_of()) == 1
    assert len(mail.outbox) == 1


def test_the_database_refuses_a_second_review_for_the_same_due_date(seed_codes):
    version = current()
    CodeReview.objects.create(
        code=version.code, version=version, kind="full", due_on=datetime.date(2026, 10, 1), opened_at=timezone.now()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CodeReview.objects.create(
            code=version.code, version=version, kind="full", due_on=datetime.date(2026, 10, 1), opened_at=timezone.now()
        )


@pytest.mark.django_db(transaction=True)
def test_two_beat_processes_at_the_same_moment_open_the_review_once(postgresql, seed_codes, ada):
    barrier = threading.Barrier(2)
    errors = []

    def open_due():
        try:
            barrier.wait(timeout=10)
            services.code_reviews_open_due(today=datetime.date(2026, 10, 1))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_due) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert reviews_of() == [("full", datetime.date(2026, 10, 1), "open")]


def test_only_the_latest_due_review_is_opened_when_several_have_passed(seed_codes, ada):
    services.code_reviews_open_due(today=datetime.date(2026, 11, 22))
    assert reviews_of() == [("full", datetime.date(2026, 10, 1), "open")]


def test_an_overdue_review_is_reminded_once_then_every_fortnight_until_completed(
    seed_codes, ada, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.code_reviews_open_due(today=datetime.date(2024, 10, 1))
    mail.outbox.clear()
    # The emails go once the reminder is committed.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.code_reviews_remind_overdue(today=datetime.date(2024, 10, 31)) == 0  # due, not yet overdue
        assert services.code_reviews_remind_overdue(today=datetime.date(2024, 11, 1)) == 1
        assert services.code_reviews_remind_overdue(today=datetime.date(2024, 11, 1)) == 0
        assert services.code_reviews_remind_overdue(today=datetime.date(2024, 11, 14)) == 0
        assert services.code_reviews_remind_overdue(today=datetime.date(2024, 11, 15)) == 1
    assert [m.subject for m in mail.outbox] == [
        "Overdue: light-touch review of The Health Creation Alliance Code of Conduct"
    ] * 2
    review = CodeReview.objects.get()
    assert review.reminder_count == 2
    services.code_review_complete(
        review=review, actor=ada, considered="Feedback from the members' survey.", outcome="no_change"
    )
    assert services.code_reviews_remind_overdue(today=datetime.date(2024, 12, 1)) == 0


def test_completing_a_review_records_who_when_what_and_the_outcome(seed_codes, ada):
    services.code_reviews_open_due(today=datetime.date(2024, 10, 1))
    review = CodeReview.objects.get()
    services.code_review_complete(review=review, actor=ada, considered="  Members' feedback.  ", outcome="no_change")
    review.refresh_from_db()
    assert (review.status, review.completed_by, review.considered, review.outcome, review.draft) == (
        "completed",
        ada,
        "Members' feedback.",
        "no_change",
        None,
    )
    assert review.completed_at is not None
    assert AuditEntry.objects.filter(action="review.completed", subject_id=str(review.pk), actor=ada).exists()
    with pytest.raises(services.ConductError, match="already been completed"):
        services.code_review_complete(review=review, actor=ada, considered="Again", outcome="no_change")


@pytest.mark.parametrize(
    "considered, outcome, message",
    [
        ("", "no_change", "Say what the review considered"),
        ("Something", "", "Choose the outcome"),
        ("Something", "new_version", "Only a full review"),
    ],
)
def test_a_review_needs_what_it_considered_and_a_fitting_outcome(seed_codes, ada, considered, outcome, message):
    services.code_reviews_open_due(today=datetime.date(2024, 10, 1))
    with pytest.raises(services.ConductError, match=message):
        services.code_review_complete(
            review=CodeReview.objects.get(), actor=ada, considered=considered, outcome=outcome
        )
    assert CodeReview.objects.get().status == "open"


def test_minor_edits_start_a_draft_from_the_current_version(seed_codes, ada):
    services.code_reviews_open_due(today=datetime.date(2025, 10, 1))
    review = services.code_review_complete(
        review=CodeReview.objects.get(), actor=ada, considered="Typos", outcome="minor_edits"
    )
    assert review.draft.number == 3 and review.draft.status == "draft"
    assert review.draft.created_from == current()
    # A light-touch review leaves the cycle alone.
    assert review.draft.last_full_review_on == datetime.date(2023, 10, 1)


def test_a_full_review_with_no_change_resets_the_cycle_at_once(seed_codes, ada):
    with on(datetime.date(2026, 10, 5)):
        services.code_reviews_open_due(today=timezone.localdate())
        services.code_review_complete(
            review=CodeReview.objects.get(), actor=ada, considered="All of it", outcome="no_change"
        )
    version = current()
    assert version.last_full_review_on == datetime.date(2026, 10, 5)
    # The review schedule is bookkeeping: the text partners signed is untouched.
    assert version.canonical_sha256 == text_sha256(
        version_canonical_text(with_content(CodeVersion.objects.filter(pk=version.pk)).get())
    )
    assert services.code_reviews_open_due(today=datetime.date(2027, 10, 4)) == []
    assert [r.due_on for r in services.code_reviews_open_due(today=datetime.date(2027, 10, 5))] == [
        datetime.date(2027, 10, 5)
    ]


def test_three_years_of_a_codes_life(seed_codes, ada, django_capture_on_commit_callbacks):
    """October 2023 full review; light-touch reviews in 2024 and 2025; the full
    review of October 2026 leads to a new version whose publication resets the cycle."""
    day = datetime.date(2023, 11, 1)
    while day <= datetime.date(2027, 11, 1):
        with on(day), django_capture_on_commit_callbacks(execute=True):
            for review in services.code_reviews_open_due(today=day):
                outcome = "new_version" if review.kind == "full" else "no_change"
                completed = services.code_review_complete(
                    review=review, actor=ada, considered=f"Review of {day:%B %Y}", outcome=outcome
                )
                if completed.draft:
                    services.code_version_publish(version=completed.draft, actor=ada)
        day += datetime.timedelta(days=7)
    assert reviews_of() == [
        ("light_touch", datetime.date(2024, 10, 1), "completed"),
        ("light_touch", datetime.date(2025, 10, 1), "completed"),
        ("full", datetime.date(2026, 10, 1), "completed"),
        # The cycle restarts from the day the full review was recorded: the
        # weekly walk reached it on Wednesday 7 October 2026.
        ("light_touch", datetime.date(2027, 10, 7), "completed"),
    ]
    assert current().number == 3
    assert current().last_full_review_on == datetime.date(2026, 10, 7)


def test_a_code_with_no_review_date_asks_an_administrator_to_set_one(client, seed_codes, ada):
    client.force_login(ada)
    response = client.get("/reviews/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Codes with no date of last full review" in page
    assert "/manage/codes/c4pc-shared-code/versions/1/review-schedule/" in page


def test_setting_a_review_date_schedules_the_code_without_changing_its_text(client, seed_codes, ada):
    version = current("c4pc-shared-code")
    before = version.canonical_sha256
    client.force_login(ada)
    url = "/manage/codes/c4pc-shared-code/versions/1/review-schedule/"
    response = client.post(
        url,
        {
            "last_full_review_on_0": "1",
            "last_full_review_on_1": "1",
            "last_full_review_on_2": "2099",
            "light_touch_review_months": "12",
            "full_review_months": "6",
        },
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "must be today or in the past" in page
    assert "Light-touch reviews must come at least as often as full reviews" in page
    assert current("c4pc-shared-code").last_full_review_on is None

    response = client.post(
        url,
        {
            "last_full_review_on_0": "30",
            "last_full_review_on_1": "6",
            "last_full_review_on_2": "2024",
            "light_touch_review_months": "12",
            "full_review_months": "36",
        },
    )
    assert response.status_code == 302
    version = current("c4pc-shared-code")
    assert version.last_full_review_on == datetime.date(2024, 6, 30)
    assert version.canonical_sha256 == before
    assert AuditEntry.objects.filter(
        action="version.review_schedule_set", subject_id=str(version.pk), actor=ada
    ).exists()
    assert [
        r.due_on
        for r in services.code_reviews_open_due(today=datetime.date(2025, 7, 1))
        if r.code.slug == "c4pc-shared-code"
    ] == [datetime.date(2025, 6, 30)]


def test_the_review_calendar_shows_overdue_due_and_upcoming_reviews(client, seed_codes, ada):
    version = current("c4pc-shared-code")
    services.code_version_set_review_schedule(
        version=version,
        actor=ada,
        last_full_review_on=datetime.date(2025, 11, 1),
        light_touch_review_months=12,
        full_review_months=36,
    )
    with on(datetime.date(2026, 11, 22)):
        services.code_reviews_open_due(today=timezone.localdate())
        client.force_login(ada)
        response = client.get("/reviews/")
    html = response.content.decode()
    title = html.split("<title>")[1].split("</title>")[0]
    assert "Review calendar" in title and "<" not in title and html.count("Done in the last year") == 1
    chart, page = html.split('<h2 class="govuk-heading-l">Overdue</h2>')
    overdue, rest = page.split('<h2 class="govuk-heading-l">Due</h2>')
    due, upcoming = rest.split('<h2 class="govuk-heading-l">Upcoming</h2>')
    assert "The Health Creation Alliance Code of Conduct" in overdue  # full review due 1 October 2026
    assert "A Shared Code of Conduct for Coalition Partners" in due  # light-touch review due 1 November 2026
    assert "A Shared Code of Conduct for Coalition Partners" not in overdue
    assert "1 November 2027" in upcoming
    # The same reviews, first, as a timeline: each code a line, each review a mark whose shape says its state.
    rows = {row.label: {(mark.kind, mark.day) for mark in row.marks} for row in response.context["timeline"].rows}
    assert ("overdue", datetime.date(2026, 10, 1)) in rows["The Health Creation Alliance Code of Conduct"]
    assert rows["A Shared Code of Conduct for Coalition Partners"] >= {
        ("due", datetime.date(2026, 11, 1)),
        ("due", datetime.date(2027, 11, 1)),
    }
    assert (
        'role="img"' in chart
        and "<title>A Shared Code of Conduct for Coalition Partners: Light-touch review due" in chart
    )


def test_partners_cannot_see_the_review_calendar_but_programme_managers_can(client, seed_codes, alice, priya):
    client.force_login(alice.user)
    assert client.get("/reviews/").status_code == 403
    client.force_login(priya)
    assert client.get("/reviews/").status_code == 200


def test_completing_a_review_in_the_browser_form(client, seed_codes, ada):
    services.code_reviews_open_due(today=datetime.date(2026, 10, 1))
    review = CodeReview.objects.get()
    client.force_login(ada)
    response = client.post(f"/reviews/{review.pk}/", {"considered": "", "outcome": ""})
    page = response.content.decode()
    assert "Say what the review considered" in page and "Choose the outcome of the review" in page
    response = client.post(
        f"/reviews/{review.pk}/", {"considered": "The whole code, with partners", "outcome": "new_version"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/manage/codes/health-creation-alliance/versions/3/edit/"
    review.refresh_from_db()
    assert review.status == "completed" and review.draft.number == 3
    assert review.draft.last_full_review_on == timezone.localdate()


def test_the_review_schedule_rules_hold_whatever_the_door(seed_codes, ada):
    version = current("c4pc-shared-code")
    with pytest.raises(services.ConductError) as refused:
        services.code_version_set_review_schedule(
            version=version,
            actor=ada,
            last_full_review_on=datetime.date(2099, 1, 1),
            light_touch_review_months=12,
            full_review_months=6,
        )
    assert set(refused.value.message_dict) == {"last_full_review_on", "light_touch_review_months"}
    assert current("c4pc-shared-code").last_full_review_on is None
    assert not AuditEntry.objects.filter(action="version.review_schedule_set").exists()
