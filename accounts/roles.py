"""Who counts as the IT team: the one staff check every app asks."""


def is_staff_member(user) -> bool:
    """An active, signed-in agent or admin (`User.role` is the one switch)."""
    return bool(user and user.is_authenticated and user.is_agent_or_admin)


def is_active_user(user) -> bool:
    """A signed-in account that has not been deactivated."""
    return bool(user and user.is_authenticated and user.is_active)
