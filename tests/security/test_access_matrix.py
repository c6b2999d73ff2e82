"""Every URL of the app, visited as each kind of person, answers as it should.

Columns: anonymous · alice (partner, organisation A) · bob (partner,
organisation B) · priya (programme manager) · pam (panel member) · ada
(administrator). "302L" is a redirect to the login page.
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.access_matrix_fixtures import build_world

WHO = ["anonymous", "alice", "bob", "priya", "pam", "ada"]
HCA = "/codes/health-creation-alliance"

# (URL name, path, expected answers to GET in the order of WHO)
GET_MATRIX = [
    ("conduct:home", "/", "200 200 200 200 200 200"),
    ("conduct:code-list", "/codes/", "200 200 200 200 200 200"),
    ("conduct:code-detail", f"{HCA}/", "302 302 302 302 302 302"),
    ("conduct:version-detail", f"{HCA}/versions/2/", "200 200 200 200 200 200"),
    ("conduct:version-detail", f"{HCA}/versions/{{draft}}/", "404 404 404 404 404 200"),
    ("conduct:version-pdf", f"{HCA}/versions/2.pdf", "200 200 200 200 200 200"),
    ("conduct:version-pdf", f"{HCA}/versions/{{draft}}.pdf", "404 404 404 404 404 200"),
    ("conduct:version-diff", f"{HCA}/changes/", "200 200 200 200 200 200"),
    # alice has signed already, so she is sent to her receipt.
    ("conduct:version-sign", f"{HCA}/versions/2/sign/", "302L 302 200 403 403 403"),
    ("conduct:signature-dashboard", f"{HCA}/versions/2/signatures/", "302L 403 403 200 403 200"),
    ("conduct:signature-chart", f"{HCA}/versions/2/signatures/chart/", "302L 403 403 200 403 200"),
    ("conduct:signature-export", f"{HCA}/versions/2/signatures.csv", "302L 403 403 200 403 200"),
    ("conduct:my-signatures", "/signatures/", "302L 200 200 403 403 403"),
    ("conduct:signature-receipt", "/signatures/{signature}/", "302L 200 404 200 404 200"),
    ("conduct:signature-receipt-pdf", "/signatures/{signature}.pdf", "302L 200 404 200 404 200"),
    ("conduct:review-calendar", "/reviews/", "302L 403 403 200 403 200"),
    ("conduct:review-detail", "/reviews/{review}/", "302L 404 404 200 404 200"),
    ("conduct:manage-codes", "/manage/codes/", "302L 403 403 403 403 200"),
    ("conduct:code-create", "/manage/codes/new/", "302L 403 403 403 403 200"),
    # The alliance's code has a draft: the import page says so and offers it.
    ("conduct:code-import", "/manage/codes/health-creation-alliance/import/", "302L 403 403 403 403 200"),
    (
        "conduct:code-import-confirm",
        "/manage/codes/health-creation-alliance/import/confirm/",
        "302L 403 403 403 403 405",
    ),
    ("conduct:draft-start", "/manage/codes/health-creation-alliance/drafts/new/", "302L 403 403 403 403 405"),
    ("conduct:draft-edit", "/manage/codes/health-creation-alliance/versions/{draft}/edit/", "302L 403 403 403 403 200"),
    (
        "conduct:version-publish",
        "/manage/codes/health-creation-alliance/versions/{draft}/publish/",
        "302L 403 403 403 403 200",
    ),
    (
        "conduct:review-schedule-edit",
        "/manage/codes/health-creation-alliance/versions/2/review-schedule/",
        "302L 403 403 403 403 200",
    ),
    (
        "conduct:section-add",
        "/manage/codes/health-creation-alliance/versions/{draft}/sections/new/",
        "302L 403 403 403 403 200",
    ),
    ("conduct:section-rename", "/manage/sections/{section}/rename/", "302L 403 403 403 403 200"),
    ("conduct:section-move", "/manage/sections/{section}/move/", "302L 403 403 403 403 405"),
    ("conduct:section-remove", "/manage/sections/{section}/remove/", "302L 403 403 403 403 200"),
    ("conduct:item-add", "/manage/sections/{section}/items/new/", "302L 403 403 403 403 200"),
    ("conduct:item-edit", "/manage/items/{item}/edit/", "302L 403 403 403 403 200"),
    ("conduct:item-remove", "/manage/items/{item}/remove/", "302L 403 403 403 403 200"),
    ("conduct:item-move", "/manage/items/{item}/move/", "302L 403 403 403 403 405"),
    ("declarations:index", "/declarations/", "302L 200 200 200 200 200"),
    ("declarations:declaration-start", "/declarations/new/", "302L 200 200 200 200 200"),
    ("declarations:declaration-detail", "/declarations/{declaration}/", "302L 200 404 200 404 200"),
    ("declarations:declaration-change-start", "/declarations/{draft_declaration}/start/", "302L 200 404 404 404 404"),
    (
        "declarations:declaration-question",
        "/declarations/{draft_declaration}/questions/kind/",
        "302L 200 404 404 404 404",
    ),
    ("declarations:declaration-check", "/declarations/{draft_declaration}/check/", "302L 302 404 404 404 404"),
    ("declarations:declaration-revise", "/declarations/{declaration}/update/", "302L 405 405 405 405 405"),
    ("declarations:declaration-end", "/declarations/{declaration}/end/", "302L 200 404 404 404 404"),
    ("declarations:declaration-review", "/declarations/{declaration}/review/", "302L 403 404 200 404 200"),
    ("declarations:declaration-withhold", "/declarations/{declaration}/withhold/", "302L 403 404 200 404 200"),
    ("declarations:declaration-release", "/declarations/{declaration}/release/", "302L 403 404 302 404 302"),
    ("declarations:annual-confirmations", "/declarations/annual/", "302L 403 403 200 403 200"),
    ("declarations:annual-confirm", "/declarations/annual/{alliance}/", "302L 200 200 200 200 200"),
    (
        "declarations:declaration-withholding-ask",
        "/declarations/{declaration}/ask-to-withhold/",
        "302L 200 404 404 404 404",
    ),
    (
        "declarations:declaration-withholding-refuse",
        "/declarations/{declaration}/refuse-to-withhold/",
        "302L 403 404 200 404 200",
    ),
    ("declarations:public-not-declared", "/declarations/public/{alliance}/not-declared/", "200 200 200 200 200 200"),
    ("declarations:public-register-csv", "/declarations/public/{alliance}.csv", "200 200 200 200 200 200"),
    ("declarations:public-register-json", "/declarations/public/{alliance}.json", "200 200 200 200 200 200"),
    ("declarations:public-register-schema", "/declarations/public/schema.json", "200 200 200 200 200 200"),
    ("declarations:register", "/declarations/register/", "302L 403 403 200 403 200"),
    ("declarations:register-export", "/declarations/register.csv", "302L 403 403 200 403 200"),
    ("declarations:public-register-list", "/declarations/public/", "200 200 200 200 200 200"),
    ("declarations:public-register", "/declarations/public/{alliance}/", "200 200 200 200 200 200"),
    # Breach cases. Case {case} was reported confidentially by alice about bob's
    # organisation and, bob's organisation having another open case, went to the
    # panel; case {anonymous_case} was reported anonymously with evidence.
    ("breaches:index", "/breaches/", "200 200 200 200 200 200"),
    ("breaches:report", "/breaches/report/", "200 200 200 200 200 200"),
    ("breaches:report-details", "/breaches/report/details/", "200 200 200 200 200 200"),
    ("breaches:report-sent", "/breaches/report/sent/", "302 302 302 302 302 302"),
    ("breaches:follow-up", "/breaches/follow-up/", "200 200 200 200 200 200"),
    # Only with the receipt code entered on the follow-up page.
    ("breaches:follow-up-case", "/breaches/follow-up/{anonymous_case}/", "302 302 302 302 302 302"),
    ("breaches:my-cases", "/breaches/mine/", "302L 200 200 200 200 200"),
    ("breaches:queue", "/breaches/cases/", "302L 403 403 200 200 200"),
    ("breaches:queue-export", "/breaches/cases.csv", "302L 403 403 200 200 200"),
    # The reporter follows her case; the respondent's partner sees it concerns them.
    ("breaches:case-detail", "/breaches/cases/{case}/", "302L 200 200 200 200 200"),
    ("breaches:case-detail", "/breaches/cases/{anonymous_case}/", "302L 404 404 200 404 200"),
    ("breaches:case-triage", "/breaches/cases/{anonymous_case}/triage/", "302L 404 404 200 404 200"),
    ("breaches:case-escalate", "/breaches/cases/{case}/escalate/", "302L 404 404 302 302 302"),
    ("breaches:case-de-escalate", "/breaches/cases/{case}/de-escalate/", "302L 404 404 200 302 200"),
    ("breaches:case-convene", "/breaches/cases/{case}/convene/", "302L 404 404 200 302 200"),
    ("breaches:case-panel-view", "/breaches/cases/{case}/view/", "302L 404 404 302 302 302"),
    ("breaches:case-decide", "/breaches/cases/{case}/decide/", "302L 404 404 302 200 200"),
    ("breaches:case-close", "/breaches/cases/{case}/close/", "302L 404 404 302 302 302"),
    # The case is still open: nothing to publish yet.
    ("breaches:case-publish", "/breaches/cases/{case}/publish/", "302L 404 404 302 302 302"),
    ("breaches:case-withdraw", "/breaches/cases/{case}/withdraw/", "302L 404 404 200 302 200"),
    ("breaches:case-message", "/breaches/cases/{case}/message/", "302L 404 404 200 200 200"),
    # Those handling the case reveal a confidential reporter for a reason; an anonymous one has none.
    ("breaches:case-reveal-reporter", "/breaches/cases/{case}/reveal-reporter/", "302L 404 404 200 200 200"),
    ("breaches:case-reveal-reporter", "/breaches/cases/{anonymous_case}/reveal-reporter/", "302L 404 404 302 404 302"),
    ("breaches:case-note-add", "/breaches/cases/{case}/notes/new/", "302L 404 404 200 200 200"),
    ("breaches:case-respond", "/breaches/cases/{case}/respond/", "302L 404 200 404 404 404"),
    # The case is not decided: the respondent is sent back to it (nothing to appeal), handlers likewise.
    ("breaches:case-appeal", "/breaches/cases/{case}/appeal/", "302L 404 302 404 404 404"),
    ("breaches:case-appeal-convene", "/breaches/cases/{case}/appeal/convene/", "302L 404 404 302 302 302"),
    ("breaches:case-appeal-view", "/breaches/cases/{case}/appeal/view/", "302L 404 404 302 302 302"),
    ("breaches:case-appeal-decide", "/breaches/cases/{case}/appeal/decide/", "302L 404 404 302 302 302"),
    ("breaches:case-add-information", "/breaches/cases/{case}/add-information/", "302L 200 404 404 404 404"),
    ("breaches:evidence-download", "/breaches/evidence/{evidence}/", "404 404 404 200 404 200"),
    ("breaches:lessons", "/breaches/lessons/", "302L 403 403 200 403 200"),
    # Meetings: priya (programme manager) chairs {meeting}, where alice has a conflict on the item;
    # {published_meeting}'s record is public.
    ("meetings:meeting-list", "/meetings/", "302L 403 403 200 403 200"),
    ("meetings:meeting-create", "/meetings/new/", "302L 403 403 200 403 200"),
    ("meetings:meeting-detail", "/meetings/{meeting}/", "302L 404 404 200 404 200"),
    ("meetings:item-add", "/meetings/{meeting}/items/new/", "302L 404 404 200 404 200"),
    ("meetings:declaration-record", "/meetings/{meeting}/declarations/new/", "302L 404 404 200 404 200"),
    (
        "meetings:conflict-handle",
        "/meetings/{meeting}/items/{meeting_item}/conflicts/{alice_user}/",
        "302L 404 404 200 404 200",
    ),
    ("meetings:item-decide", "/meetings/{meeting}/items/{meeting_item}/decision/", "302L 404 404 200 404 200"),
    ("meetings:meeting-publish", "/meetings/{meeting}/publish/", "302L 404 404 200 404 200"),
    ("meetings:public-meetings", "/meetings/public/{alliance}/", "200 200 200 200 200 200"),
    ("meetings:public-record", "/meetings/public/{alliance}/{published_meeting}/", "200 200 200 200 200 200"),
    ("meetings:public-record", "/meetings/public/{alliance}/{meeting}/", "404 404 404 404 404 404"),
    ("breaches:public-register-list", "/breaches/published/", "200 200 200 200 200 200"),
    ("reports:index", "/reports/", "302L 403 403 200 403 200"),
    ("reports:insight", "/reports/health-creation-alliance/", "302L 403 403 200 403 200"),
    ("reports:annual-report", "/reports/health-creation-alliance/2026/", "302L 403 403 200 403 200"),
    ("reports:annual-report-pdf", "/reports/health-creation-alliance/2026.pdf", "302L 403 403 200 403 200"),
    ("breaches:public-register", "/breaches/published/health-creation-alliance/", "200 200 200 200 200 200"),
    # Partnership administration: ada administers everything; priya manages the alliance's people.
    ("partnerships:partnership-list", "/manage/partnerships/", "302L 403 403 200 403 200"),
    ("partnerships:partnership-create", "/manage/partnerships/new/", "302L 403 403 403 403 200"),
    ("partnerships:partnership-detail", "/manage/partnerships/{alliance}/", "302L 403 403 200 403 200"),
    ("partnerships:partnership-edit", "/manage/partnerships/{alliance}/edit/", "302L 403 403 403 403 200"),
    (
        "partnerships:organisation-add",
        "/manage/partnerships/{alliance}/organisations/new/",
        "302L 403 403 403 403 200",
    ),
    (
        "partnerships:membership-end",
        "/manage/partnerships/{alliance}/memberships/{membership}/end/",
        "302L 403 403 403 403 200",
    ),
    ("partnerships:people", "/manage/partnerships/{alliance}/people/", "302L 403 403 200 403 200"),
    ("partnerships:person-add", "/manage/partnerships/{alliance}/people/new/", "302L 403 403 200 403 200"),
    ("partnerships:people-import", "/manage/partnerships/{alliance}/people/import/", "302L 403 403 403 403 200"),
    (
        "partnerships:people-import-preview",
        "/manage/partnerships/{alliance}/people/import/{upload}/",
        "302L 403 403 403 403 200",
    ),
    ("partnerships:person-edit", "/manage/partnerships/{alliance}/people/{partner}/", "302L 403 403 200 403 200"),
    (
        "partnerships:person-authenticator-reset",
        "/manage/partnerships/{alliance}/people/{partner}/authenticator-reset/",
        "302L 403 403 403 403 200",
    ),
    ("partnerships:role-labels", "/manage/partnerships/{alliance}/role-names/", "302L 403 403 403 403 200"),
    ("partnerships:policies", "/manage/partnerships/{alliance}/policies/", "302L 403 403 403 403 200"),
    (
        "partnerships:person-invite",
        "/manage/partnerships/{alliance}/people/{partner}/invite/",
        "302L 405 405 405 405 405",
    ),
    # A link that is not a valid invitation is refused to everyone alike.
    ("accounts:invitation-accept", "/accounts/invitation/not-a-token/", "410 410 410 410 410 410"),
    # Two-factor: everyone logged in here has an authenticator and has given its code.
    ("accounts:two-factor", "/accounts/two-factor/", "302L 200 200 200 200 200"),
    ("accounts:two-factor-setup", "/accounts/two-factor/setup/", "302L 302 302 302 302 302"),
    ("accounts:two-factor-verify", "/accounts/two-factor/verify/", "302L 200 200 200 200 200"),
    ("accounts:recovery-codes", "/accounts/two-factor/recovery-codes/", "302L 302 302 302 302 302"),
    # Work accounts: no OpenID provider is configured here (tests/accounts/test_work_accounts.py starts one).
    ("accounts:work-account-sign-in", "/accounts/oidc/authenticate/", "404 404 404 404 404 404"),
    ("accounts:work-account-callback", "/accounts/oidc/callback/", "404 404 404 404 404 404"),
    ("healthz", "/healthz", "200 200 200 200 200 200"),
    ("login", "/accounts/login/", "200 200 200 200 200 200"),
    ("logout", "/accounts/logout/", "405 405 405 405 405 405"),
    ("password_reset", "/accounts/password-reset/", "200 200 200 200 200 200"),
    ("password_reset_done", "/accounts/password-reset/sent/", "200 200 200 200 200 200"),
    ("password_reset_confirm", "/accounts/reset/MQ/not-a-token/", "200 200 200 200 200 200"),
    ("password_reset_complete", "/accounts/reset/done/", "200 200 200 200 200 200"),
    # Personal data: anyone reads the privacy notice; only administrators see and change the retention schedule.
    ("privacy:notice", "/privacy/", "200 200 200 200 200 200"),
    ("privacy:retention-schedule", "/privacy/retention/", "302L 403 403 403 403 200"),
    ("privacy:retention-period-edit", "/privacy/retention/evidence/", "302L 403 403 403 403 200"),
    ("privacy:retention-period-edit", "/privacy/retention/nonsense/", "302L 403 403 403 403 404"),
    # Subject access requests and their exports: administrators only.
    ("privacy:subject-access-requests", "/privacy/subject-access/", "302L 403 403 403 403 200"),
    ("privacy:subject-access-request-new", "/privacy/subject-access/new/", "302L 403 403 403 403 200"),
    ("privacy:subject-access-request", "/privacy/subject-access/{subject_access_request}/", "302L 403 403 403 403 200"),
    (
        "privacy:subject-access-export",
        "/privacy/subject-access/{subject_access_request}/export/",
        "302L 403 403 403 403 200",
    ),
    (
        "privacy:subject-access-export-json",
        "/privacy/subject-access/{subject_access_request}/export.json",
        "302L 403 403 403 403 200",
    ),
]

# Actions that change something, tried by everyone who must be refused (POST, empty form).
POST_REFUSALS = [
    (
        "privacy:subject-access-request-new",
        "/privacy/subject-access/new/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    (
        "privacy:subject-access-request",
        "/privacy/subject-access/{subject_access_request}/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    (
        "privacy:retention-period-edit",
        "/privacy/retention/evidence/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    (
        "conduct:code-create",
        "/manage/codes/new/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    (
        "conduct:code-import",
        "/manage/codes/health-creation-alliance/import/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    (
        "conduct:code-import-confirm",
        "/manage/codes/health-creation-alliance/import/confirm/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    (
        "conduct:draft-start",
        "/manage/codes/health-creation-alliance/drafts/new/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    (
        "conduct:item-move",
        "/manage/items/{item}/move/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    (
        "conduct:section-add",
        "/manage/codes/health-creation-alliance/versions/{draft}/sections/new/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    (
        "conduct:section-rename",
        "/manage/sections/{section}/rename/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    (
        "conduct:section-move",
        "/manage/sections/{section}/move/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    (
        "conduct:section-remove",
        "/manage/sections/{section}/remove/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    (
        "conduct:version-publish",
        "/manage/codes/health-creation-alliance/versions/{draft}/publish/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    (
        "conduct:item-remove",
        "/manage/items/{item}/remove/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    ("conduct:review-detail", "/reviews/{review}/", {"anonymous": "302L", "alice": "404", "bob": "404", "pam": "404"}),
    (
        "declarations:declaration-revise",
        "/declarations/{declaration}/update/",
        {"anonymous": "302L", "bob": "404", "priya": "404", "pam": "404", "ada": "404"},
    ),
    (
        "declarations:declaration-end",
        "/declarations/{declaration}/end/",
        {"anonymous": "302L", "bob": "404", "priya": "404", "pam": "404", "ada": "404"},
    ),
    (
        "declarations:declaration-review",
        "/declarations/{declaration}/review/",
        {"anonymous": "302L", "alice": "403", "bob": "404", "pam": "404"},
    ),
    (
        "declarations:declaration-withholding-ask",
        "/declarations/{declaration}/ask-to-withhold/",
        {"anonymous": "302L", "bob": "404", "priya": "404", "pam": "404", "ada": "404"},
    ),
    (
        "declarations:declaration-withholding-refuse",
        "/declarations/{declaration}/refuse-to-withhold/",
        {"anonymous": "302L", "alice": "403", "bob": "404", "pam": "404"},
    ),
    (
        "declarations:declaration-withhold",
        "/declarations/{declaration}/withhold/",
        {"anonymous": "302L", "alice": "403", "bob": "404", "pam": "404"},
    ),
    (
        "declarations:declaration-check",
        "/declarations/{draft_declaration}/check/",
        {"anonymous": "302L", "bob": "404", "priya": "404", "pam": "404", "ada": "404"},
    ),
    (
        "breaches:case-triage",
        "/breaches/cases/{anonymous_case}/triage/",
        {"anonymous": "302L", "alice": "404", "bob": "404", "pam": "404"},
    ),
    ("breaches:case-decide", "/breaches/cases/{case}/decide/", {"anonymous": "302L", "alice": "404", "bob": "404"}),
    ("breaches:case-convene", "/breaches/cases/{case}/convene/", {"anonymous": "302L", "alice": "404", "bob": "404"}),
    ("breaches:case-panel-view", "/breaches/cases/{case}/view/", {"anonymous": "302L", "alice": "404", "bob": "404"}),
    ("breaches:case-withdraw", "/breaches/cases/{case}/withdraw/", {"anonymous": "302L", "alice": "404", "bob": "404"}),
    ("breaches:case-publish", "/breaches/cases/{case}/publish/", {"anonymous": "302L", "alice": "404", "bob": "404"}),
    ("breaches:case-message", "/breaches/cases/{case}/message/", {"anonymous": "302L", "alice": "404", "bob": "404"}),
    (
        "breaches:case-reveal-reporter",
        "/breaches/cases/{case}/reveal-reporter/",
        {"anonymous": "302L", "alice": "404", "bob": "404"},
    ),
    (
        "breaches:case-note-add",
        "/breaches/cases/{case}/notes/new/",
        {"anonymous": "302L", "alice": "404", "bob": "404"},
    ),
    (
        "breaches:case-respond",
        "/breaches/cases/{case}/respond/",
        {"anonymous": "302L", "alice": "404", "priya": "404", "pam": "404"},
    ),
    (
        "breaches:case-add-information",
        "/breaches/cases/{case}/add-information/",
        {"anonymous": "302L", "bob": "404", "pam": "404"},
    ),
    (
        "breaches:case-appeal",
        "/breaches/cases/{case}/appeal/",
        {"anonymous": "302L", "alice": "404", "priya": "404", "pam": "404", "ada": "404"},
    ),
    (
        "breaches:case-appeal-convene",
        "/breaches/cases/{case}/appeal/convene/",
        {"anonymous": "302L", "alice": "404", "bob": "404"},
    ),
    (
        "breaches:case-appeal-view",
        "/breaches/cases/{case}/appeal/view/",
        {"anonymous": "302L", "alice": "404", "bob": "404"},
    ),
    (
        "breaches:case-appeal-decide",
        "/breaches/cases/{case}/appeal/decide/",
        {"anonymous": "302L", "alice": "404", "bob": "404"},
    ),
    (
        "meetings:item-add",
        "/meetings/{meeting}/items/new/",
        {"anonymous": "302L", "alice": "404", "bob": "404", "pam": "404"},
    ),
    (
        "meetings:declaration-record",
        "/meetings/{meeting}/declarations/new/",
        {"anonymous": "302L", "alice": "404", "bob": "404", "pam": "404"},
    ),
    (
        "meetings:conflict-handle",
        "/meetings/{meeting}/items/{meeting_item}/conflicts/{alice_user}/",
        {"anonymous": "302L", "alice": "404", "bob": "404", "pam": "404"},
    ),
    (
        "meetings:item-decide",
        "/meetings/{meeting}/items/{meeting_item}/decision/",
        {"anonymous": "302L", "alice": "404", "bob": "404", "pam": "404"},
    ),
    (
        "meetings:meeting-publish",
        "/meetings/{meeting}/publish/",
        {"anonymous": "302L", "alice": "404", "bob": "404", "pam": "404"},
    ),
    ("meetings:meeting-create", "/meetings/new/", {"anonymous": "302L", "alice": "403", "bob": "403", "pam": "403"}),
    (
        "partnerships:partnership-create",
        "/manage/partnerships/new/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    (
        "partnerships:membership-end",
        "/manage/partnerships/{alliance}/memberships/{membership}/end/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    (
        "partnerships:person-add",
        "/manage/partnerships/{alliance}/people/new/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "pam": "403"},
    ),
    (
        "partnerships:person-edit",
        "/manage/partnerships/{alliance}/people/{partner}/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "pam": "403"},
    ),
    (
        "partnerships:role-labels",
        "/manage/partnerships/{alliance}/role-names/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    (
        "partnerships:person-invite",
        "/manage/partnerships/{alliance}/people/{partner}/invite/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "pam": "403"},
    ),
    (
        "partnerships:person-authenticator-reset",
        "/manage/partnerships/{alliance}/people/{partner}/authenticator-reset/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    (
        "partnerships:people-import-preview",
        "/manage/partnerships/{alliance}/people/import/{upload}/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
    (
        "partnerships:policies",
        "/manage/partnerships/{alliance}/policies/",
        {"anonymous": "302L", "alice": "403", "bob": "403", "priya": "403", "pam": "403"},
    ),
]

# Not ours to test here: the Django admin (it checks staff status itself) and the benchmark page.
OUTSIDE_THE_MATRIX = ("admin:", "bench:")


def answer(response) -> str:
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return "302L"
    return str(response.status_code)


@pytest.fixture
def world(seed_codes, alliance, alice, bob, priya, ada, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 22, 12, 0, tzinfo=datetime.UTC), tick=False)
    return build_world(alliance=alliance, alice=alice, bob=bob, priya=priya, ada=ada)


def visit(client, world, who, method, path):
    client.logout()
    if world["users"][who]:
        client.force_login(world["users"][who])
    return answer(getattr(client, method)(path.format(**world)))


def test_every_url_answers_each_person_as_it_should(client, world):
    wrong = []
    for name, path, expected in GET_MATRIX:
        got = " ".join(visit(client, world, who, "get", path) for who in WHO)
        if got != expected:
            wrong.append(f"{name} {path}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)


def test_no_one_can_act_where_they_may_not(client, world):
    wrong = []
    for name, path, refusals in POST_REFUSALS:
        for who, expected in refusals.items():
            got = visit(client, world, who, "post", path)
            if got != expected:
                wrong.append(f"{name} {path} as {who}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)


def _url_names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _url_names(
                pattern.url_patterns, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name


def test_the_matrix_covers_every_url_of_the_app():
    covered = {name for name, _, _ in GET_MATRIX}
    missing = {
        name for name in _url_names(get_resolver().url_patterns) if not name.startswith(OUTSIDE_THE_MATRIX)
    } - covered
    assert not missing, f"URLs missing from the access matrix: {sorted(missing)}"


def test_the_respondent_never_learns_who_reported(client, world):
    """bob's organisation is the respondent: nothing he can reach names alice."""
    client.force_login(world["users"]["bob"])
    for path in ["/breaches/cases/{case}/", "/breaches/cases/{case}/respond/", "/breaches/mine/", "/breaches/"]:
        page = client.get(path.format(**world)).content.decode()
        assert "Alice" not in page and "alice@example.org" not in page and "Riverside" not in page, path
    # The programme manager, who handles it, sees who reported only once she reveals it, for a reason.
    client.force_login(world["users"]["priya"])
    assert "Alice Adams" not in client.get("/breaches/cases/{case}/".format(**world)).content.decode()
    client.post("/breaches/cases/{case}/reveal-reporter/".format(**world), {"reason": "To ask her about the date."})
    assert "Alice Adams" in client.get("/breaches/cases/{case}/".format(**world)).content.decode()
