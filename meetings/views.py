"""Meetings: each view checks who is asking, validates a form and calls a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from conduct.models import Partnership, User

from . import selectors, services
from .forms import (
    AgendaItemForm,
    DecisionForm,
    HandlingForm,
    MeetingDeclarationForm,
    MeetingForm,
    PublishForm,
)
from .models import AgendaItem, Handling

PAGE_SIZE = 20


def _posted(request):
    return request.POST if request.method == "POST" else None


def _open_meeting(request, pk):
    """A meeting for those who run it, while its record is open (published: back to the meeting)."""
    meeting = selectors.meeting_for_user(request.user, pk)
    if meeting.is_published:
        messages.info(request, "The record of this meeting is published: it is never changed.")
        return meeting, redirect(meeting)
    return meeting, None


def _attendees(meeting):
    return User.objects.filter(meetings_attended__meeting=meeting).order_by("last_name", "first_name", "pk")


def _item(meeting, item_id) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=item_id, meeting=meeting)


@login_required
def meeting_list(request):
    partnerships = selectors.partnerships_for_meetings(request.user)
    meetings = selectors.meetings_for_user(request.user)
    if not partnerships.exists() and not meetings.exists():
        raise PermissionDenied("Only a partnership's chair and programme manager record its meetings.")
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "page": Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page")),
            "partnerships": list(partnerships),
        },
    )


@login_required
def meeting_create(request):
    partnerships = selectors.partnerships_for_meetings(request.user)
    if not partnerships.exists():
        raise PermissionDenied("Only a partnership's chair and programme manager record its meetings.")
    form = MeetingForm(_posted(request), partnerships=partnerships)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **form.cleaned_data)
        except services.MeetingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The meeting is recorded. Add the items on its agenda next.")
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form})


@login_required
def meeting_detail(request, pk):
    meeting = selectors.meeting_for_user(request.user, pk)
    attendees = selectors.meeting_attendees(meeting)
    policy = selectors.policy_for(meeting.partnership)
    records = selectors.meeting_record(meeting, attendees=attendees, policy=policy)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "attendees": attendees,
            "records": records,
            "policy": policy,
            "conflict_count": sum(len(record.conflicts) for record in records),
        },
    )


@login_required
def item_add(request, pk):
    meeting, published = _open_meeting(request, pk)
    if published:
        return published
    form = AgendaItemForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.meeting_item_add(meeting=meeting, actor=request.user, **form.cleaned_data)
        except services.MeetingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"{item} is on the agenda.")
            return redirect(meeting)
    return render(request, "meetings/item_form.html", {"form": form, "meeting": meeting})


@login_required
def declaration_record(request, pk):
    meeting, published = _open_meeting(request, pk)
    if published:
        return published
    form = MeetingDeclarationForm(_posted(request), attendees=_attendees(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            declaration = services.meeting_declaration_record(meeting=meeting, actor=request.user, **form.cleaned_data)
        except services.MeetingError as error:
            form.add_error(None, error)  # by the answer refused, when it is one
        else:
            messages.success(
                request,
                f"{form.cleaned_data['attendee'].display_name}'s declaration is on the register "
                f"(declaration {declaration.pk}).",
            )
            return redirect(meeting)
    return render(request, "meetings/declaration_form.html", {"form": form, "meeting": meeting})


@login_required
def conflict_handle(request, pk, item_id, user_id):
    meeting, published = _open_meeting(request, pk)
    if published:
        return published
    item = _item(meeting, item_id)
    (record,) = selectors.meeting_record(
        meeting,
        items=selectors.meeting_items(meeting, item_id=item.pk),
        attendees=[attendee for attendee in selectors.meeting_attendees(meeting) if attendee.pk == user_id],
    )
    conflict = record.conflict_of(user_id)
    if conflict is None:
        raise Http404("This attendee has no conflict on this item")
    form = HandlingForm(_posted(request), initial={"handling": conflict.required})
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_conflict_handle(
                meeting=meeting, actor=request.user, item=item, attendee=conflict.attendee, **form.cleaned_data
            )
        except services.MeetingError as error:
            form.add_error("handling", error.message)
        else:
            messages.success(request, f"Recorded what happened to {conflict.attendee.display_name} for {item}.")
            return redirect(meeting)
    return render(
        request,
        "meetings/handling_form.html",
        {
            "form": form,
            "meeting": meeting,
            "record": record,
            "conflict": conflict,
            "dispensation": Handling.DISPENSATION,
        },
    )


@login_required
def item_decide(request, pk, item_id):
    meeting, published = _open_meeting(request, pk)
    if published:
        return published
    item = _item(meeting, item_id)
    (record,) = selectors.meeting_record(meeting, items=selectors.meeting_items(meeting, item_id=item.pk))
    if record.decision is not None:
        messages.info(request, f"{item} already has a decision.")
        return redirect(meeting)
    stood_aside = {
        conflict.attendee.pk
        for conflict in record.conflicts
        if conflict.handling is None or conflict.handling.handling != Handling.DISPENSATION
    }
    attendees = _attendees(meeting)
    form = DecisionForm(
        _posted(request),
        attendees=attendees,
        initial={"participants": [user for user in attendees if user.pk not in stood_aside]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_item_decide(
                meeting=meeting,
                actor=request.user,
                item=item,
                outcome=form.cleaned_data["outcome"],
                participants=list(form.cleaned_data["participants"]),
            )
        except services.MeetingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"The decision on {item} is recorded.")
            return redirect(meeting)
    return render(request, "meetings/decision_form.html", {"form": form, "meeting": meeting, "record": record})


@login_required
def meeting_publish(request, pk):
    meeting, published = _open_meeting(request, pk)
    if published:
        return published
    form = PublishForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record_publish(meeting=meeting, actor=request.user)
        except services.MeetingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The record of the meeting is published.")
            return redirect(meeting.get_public_url())
    return render(request, "meetings/publish.html", {"form": form, "meeting": meeting})


# --- The public record ------------------------------------------------------------------


def public_meetings(request, partnership_slug):
    partnership = get_object_or_404(Partnership, slug=partnership_slug)
    return render(
        request,
        "meetings/public_meetings.html",
        {
            "partnership": partnership,
            "page": Paginator(selectors.public_meetings(partnership), PAGE_SIZE).get_page(request.GET.get("page")),
        },
    )


def public_record(request, partnership_slug, pk):
    meeting = selectors.public_meeting(partnership_slug, pk)
    return render(
        request,
        "meetings/public_record.html",
        {
            "partnership": meeting.partnership,
            "meeting": meeting,
            "records": selectors.meeting_record(meeting, attendees=[]),
        },
    )
