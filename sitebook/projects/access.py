"""The one place that decides whether a user may do something.

Organisation admins may do everything in their organisation. Anyone else acts on a project
through the role they hold in it. A project of an organisation the user does not belong to,
or one they are not a member of, does not exist for them (404, never 403).
"""

from __future__ import annotations

from typing import Any

from sitebook.accounts import access as org_access
from sitebook.core.errors import Forbidden, NotAuthenticated, NotFound
from sitebook.core.permissions import granted
from sitebook.projects.models import Project, ProjectMember


def _project_patterns(user: Any) -> dict[int, list[str]]:
    """{project id: role patterns} for the user's project memberships, read once per user."""
    cache = user.__dict__.get("_sitebook_project_codes")
    if cache is None:
        cache = {
            project_id: codes
            for project_id, codes in ProjectMember.objects.filter(user=user).values_list(
                "project_id", "role__codes"
            )
        }
        user.__dict__["_sitebook_project_codes"] = cache
    return cache


def can_see(user: Any, project: Project) -> bool:
    if not user or not user.is_authenticated:
        return False
    if org_access.is_admin(user, project.organisation_id):
        return True
    return org_access.is_member(user, project.organisation_id) and project.pk in _project_patterns(
        user
    )


def has_perm(
    user: Any, code: str, project: Project | None = None, *, organisation_id: int | None = None
) -> bool:
    """True if `user` holds permission `code` on `project` (or in the organisation)."""
    if not user or not user.is_authenticated:
        return False
    org_id = project.organisation_id if project is not None else organisation_id
    if org_id is None or not org_access.is_member(user, org_id):
        return False
    if org_access.is_admin(user, org_id):
        return True
    if project is None:
        return False
    patterns = _project_patterns(user).get(project.pk)
    return patterns is not None and granted(patterns, code)


def require(
    user: Any, code: str, project: Project | None = None, *, organisation_id: int | None = None
) -> None:
    """Raise 401/404/403 unless `user` holds `code`; a project they cannot see is a 404."""
    if not user or not user.is_authenticated:
        raise NotAuthenticated()
    if project is not None and not can_see(user, project):
        raise NotFound()
    if (
        project is None
        and organisation_id is not None
        and not org_access.is_member(user, organisation_id)
    ):
        raise NotFound()
    if not has_perm(user, code, project, organisation_id=organisation_id):
        raise Forbidden()


def forget(user: Any) -> None:
    org_access.forget(user)
