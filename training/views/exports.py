"""`/blkk/CODE/trainees/export/`: a BLKK's trainee page as a CSV file.

The rows of the page it is linked from (`trainees.trainee_list`: the people this
BLKK registered or enrolled, found by the same search, newest first), written by
`training.exports` as the API's export writes them: the same columns, masking,
formula guard, audit event and throttle (one count per user for both doors).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET
from rest_framework.exceptions import Throttled

from blkk_portal.pages import see_other

from ..exports import (
    EXPORT_REFUSED_ROLE,
    ExportRateThrottle,
    export_filename,
    may_export_trainees,
    trainee_csv_response,
)
from ..managers import NikSearchRefused
from ..models import Trainee
from .blkks import BlkkHere, blkk_page
from .trainees import _search, _search_term


@require_GET
@blkk_page
def trainee_export(request: HttpRequest, here: BlkkHere) -> HttpResponseBase:
    user = request.user
    if not may_export_trainees(user):
        raise PermissionDenied(EXPORT_REFUSED_ROLE)
    term = _search_term(request)
    back = reverse("trainee-list", args=[here.blkk.code])
    if term:
        back = f"{back}?{urlencode({'q': term})}"
    try:
        ExportRateThrottle().allow_request(request, None)
    except Throttled as refused:
        messages.error(request, str(refused.detail))
        return see_other(back)
    rows = here.rows(Trainee).with_full_nik_flag(user)
    if term:
        try:
            rows = _search(rows, term, user)
        except NikSearchRefused:
            # The page says why (400) where the link came from.
            return see_other(back)
    return trainee_csv_response(
        user=user,
        rows=rows.order_by("-registered_on", "-pk"),
        query=request.get_full_path(),
        filename=export_filename(f"trainees-{slugify(here.blkk.code)}"),
    )
