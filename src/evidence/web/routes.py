"""The route table. Every endpoint is wrapped by `security.page` (login, role, CSRF on POST)."""

from starlette.routing import Route

from . import views_admin as admin
from . import views_auth as auth
from . import views_dossier as dossier
from . import views_evidence as evidence
from . import views_review as review
from . import views_unit as unit

C = "/c/{campaign}"
U = C + "/u/{unit}"
K = U + "/k/{criterion}"

ROUTES = [
    Route("/", auth.home, methods=["GET"]),
    Route("/login", auth.login, methods=["GET", "POST"]),
    Route("/logout", auth.logout, methods=["POST"]),
    Route("/password", auth.password, methods=["GET", "POST"]),
    # a unit's work (unit accounts: their own unit only; staff: read, and appraise)
    Route(U, unit.unit_tree, methods=["GET"]),
    Route(U + "/submit", unit.submit, methods=["POST"]),
    Route(U + "/agreement", unit.agreement, methods=["POST"]),
    Route(U + "/reopen", admin.reopen, methods=["POST"]),
    Route(U + "/self-report", dossier.self_report, methods=["GET"]),
    Route(U + "/dossier", dossier.dossier, methods=["GET"]),
    Route(K, unit.criterion_page, methods=["GET"]),
    Route(K + "/upload", unit.upload, methods=["POST"]),
    Route(K + "/detach/{evidence}", unit.detach, methods=["POST"]),
    Route(K + "/self-score", unit.self_score, methods=["POST"]),
    Route(K + "/objection", unit.objection, methods=["POST"]),
    Route(K + "/appraise", review.appraise, methods=["POST"]),
    Route(K + "/resolve", review.resolve, methods=["POST"]),
    # evidence
    Route("/e/{evidence}", evidence.evidence_page, methods=["GET"]),
    Route("/e/{evidence}/file", evidence.evidence_file, methods=["GET"]),
    Route("/e/{evidence}/correct", evidence.correct, methods=["POST"]),
    # the council and the secretariat
    Route(C + "/units", review.units, methods=["GET"]),
    Route("/search", admin.search, methods=["GET"]),
    Route(C + "/dashboard", admin.dashboard, methods=["GET"]),
    Route(C + "/documents", admin.documents, methods=["GET"]),
    Route(C + "/documents/generate", admin.generate, methods=["POST"]),
    Route(C + "/documents/workbook", admin.workbook, methods=["POST"]),
    Route(C + "/documents/{name}", admin.document_file, methods=["GET"]),
    Route("/users", admin.users, methods=["GET"]),
    Route("/users/add", admin.user_add, methods=["POST"]),
    Route("/users/{name}", admin.user_update, methods=["POST"]),
]
