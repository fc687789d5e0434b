from django.contrib.auth import views as auth_views
from django.urls import path

from projects.views import (
    account,
    compliance,
    destination,
    health,
    history,
    legal,
    lessons,
    portfolio,
    projects,
    records,
    reviews,
    withdrawal,
)

# Views of one project take `pk`, and a record under it `record_pk`: the access decorators
# (projects.access) fetch both through the user's scope before the view runs.
urlpatterns = [
    path("", projects.home, name="home"),
    path("health/", projects.health, name="health"),
    path("health/ready/", health.health_ready, name="health_ready"),
    path("login/", health.database_required(account.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", account.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("projects/", portfolio.project_list, name="project_list"),
    path("projects/export.csv", portfolio.export_csv, name="export_csv"),
    path("projects/export.xlsx", portfolio.export_xlsx, name="export_xlsx"),
    path("dashboard/", portfolio.dashboard, name="dashboard"),
    path(
        "portfolio/decisions/",
        portfolio.operation_decision_list,
        name="operation_decision_list",
    ),
    path(
        "portfolio/legal-questions/",
        legal.open_legal_question_list,
        name="open_legal_question_list",
    ),
    path("lessons/", lessons.lesson_list, name="lesson_list"),
    path("lessons/<int:pk>/", lessons.lesson_detail, name="lesson_detail"),
    path("legal/", legal.legal_question_list, name="legal_question_list"),
    path("projects/new/", projects.project_create, name="project_create"),
    path("projects/<int:pk>/", projects.project_detail, name="project_detail"),
    path("projects/<int:pk>/operation/", projects.project_operation, name="project_operation"),
    path("projects/<int:pk>/rules/", projects.project_rules, name="project_rules"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="project_edit"),
    path("projects/<int:pk>/history/", history.project_history, name="project_history"),
    path("projects/<int:pk>/archive/", withdrawal.project_archive, name="project_archive"),
    path("projects/<int:pk>/restore/", withdrawal.project_restore, name="project_restore"),
    path(
        "projects/<int:pk>/<slug:kind>/<int:record_pk>/withdraw/",
        withdrawal.entry_withdraw,
        name="entry_withdraw",
    ),
    path(
        "projects/<int:pk>/<slug:kind>/<int:record_pk>/restore/",
        withdrawal.entry_restore,
        name="entry_restore",
    ),
    path(
        "projects/<int:pk>/updates/new/", records.status_update_create, name="status_update_create"
    ),
    path("projects/<int:pk>/phase/decide/", records.phase_advance, name="phase_advance"),
    path("projects/<int:pk>/barriers/new/", records.barrier_create, name="barrier_create"),
    path(
        "projects/<int:pk>/barriers/<int:record_pk>/edit/",
        records.barrier_edit,
        name="barrier_edit",
    ),
    path(
        "projects/<int:pk>/barriers/<int:record_pk>/resolve/",
        records.barrier_resolve,
        name="barrier_resolve",
    ),
    path(
        "projects/<int:pk>/barriers/<int:record_pk>/escalate/",
        records.barrier_escalate,
        name="barrier_escalate",
    ),
    path("projects/<int:pk>/decisions/new/", records.decision_create, name="decision_create"),
    path("projects/<int:pk>/lessons/new/", records.lesson_create, name="lesson_create"),
    path("projects/<int:pk>/legal/new/", legal.legal_question_create, name="legal_question_create"),
    path(
        "projects/<int:pk>/legal/<int:record_pk>/edit/",
        legal.legal_question_edit,
        name="legal_question_edit",
    ),
    path(
        "projects/<int:pk>/operation/<int:organisation_pk>/",
        destination.operation_decision,
        name="operation_decision",
    ),
    path("projects/<int:pk>/benefits/new/", destination.indicator_create, name="indicator_create"),
    path(
        "projects/<int:pk>/benefits/<int:record_pk>/edit/",
        destination.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "projects/<int:pk>/benefits/<int:record_pk>/measurements/new/",
        destination.measurement_create,
        name="measurement_create",
    ),
    path(
        "projects/<int:pk>/measurements/<int:record_pk>/edit/",
        destination.measurement_edit,
        name="measurement_edit",
    ),
    path(
        "projects/<int:pk>/obligations/<int:record_pk>/edit/",
        compliance.obligation_edit,
        name="obligation_edit",
    ),
    path("projects/<int:pk>/spending/new/", destination.spending_create, name="spending_create"),
    path(
        "projects/<int:pk>/spending/<int:record_pk>/edit/",
        destination.spending_edit,
        name="spending_edit",
    ),
    path("projects/<int:pk>/suppliers/new/", destination.supplier_create, name="supplier_create"),
    path(
        "projects/<int:pk>/suppliers/<int:record_pk>/edit/",
        destination.supplier_edit,
        name="supplier_edit",
    ),
    path("projects/<int:pk>/reviews/new/", reviews.review_note_create, name="review_note_create"),
    path(
        "projects/<int:pk>/reviews/<int:record_pk>/answer/",
        reviews.review_note_answer,
        name="review_note_answer",
    ),
    path(
        "projects/<int:pk>/reviews/<int:record_pk>/close/",
        reviews.review_note_close,
        name="review_note_close",
    ),
]
