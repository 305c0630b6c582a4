from django.utils.translation import gettext_lazy as _

from sitebook.core.permissions import declare

declare({"audit.view": _("See the change history")})
