"""Who may read the reports: the IT team only (the pages ask StaffOnlyMixin,
which asks the same `is_staff_member`)."""

from accounts.roles import is_staff_member


def can_view_reports(user) -> bool:
    return is_staff_member(user)
