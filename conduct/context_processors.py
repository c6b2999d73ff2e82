from .models import Role
from .selectors import is_administrator, is_programme_manager, partner_for_user, partnership_ids_where


def roles(request):
    """What the header's navigation needs to know about who is asking."""
    user = request.user
    return {
        "is_administrator": is_administrator(user),
        "is_programme_manager": is_programme_manager(user),
        "current_partner": partner_for_user(user),
        "manages_partnerships": bool(partnership_ids_where(user, Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER)),
        "records_meetings": bool(partnership_ids_where(user, Role.CHAIR, Role.PROGRAMME_MANAGER)),
    }
