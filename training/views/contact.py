"""A BLKK's contact details (address, phone, email): its managers keep them, through
`blkk_update`, which lets a manager change nothing else; ministry and province staff
read them here (a POST answers 403)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from blkk_portal.pages import form_data, save_through_service, see_other

from .. import services
from ..forms import BlkkContactForm
from ..models import BLKK_CONTACT_FIELDS, Blkk
from .blkks import BlkkHere, blkk_page

SAVED = _("The contact details are saved.")


@require_http_methods(["GET", "POST"])
@blkk_page
def blkk_contact(request: HttpRequest, here: BlkkHere) -> HttpResponse:
    """The contact details: a form for the BLKK's managers, the details as they are
    for everyone else who opens the BLKK."""
    if request.method == "POST":
        here.ensure_writable()
    if not here.writable:
        labels = {
            name: capfirst(Blkk._meta.get_field(name).verbose_name)
            for name in BLKK_CONTACT_FIELDS
        }
        context = {"here": here, "labels": labels}
        return render(request, "training/blkk_contact.html", context)
    if not request.user.has_perm("training.change_blkk"):
        raise PermissionDenied(_("This page is not for your role."))
    blkk = get_object_or_404(here.writable_rows(Blkk), pk=here.blkk.pk)
    form = BlkkContactForm(data=form_data(request), instance=blkk)
    if request.method == "POST" and form.is_valid():
        changes = form.cleaned_data
        saved = save_through_service(
            form, lambda: services.blkk_update(blkk=blkk, by=request.user, **changes)
        )
        if saved is not None:
            messages.success(request, SAVED)
            return see_other(reverse("blkk-contact", args=[here.blkk.code]))
    return render(request, "training/blkk_contact.html", {"here": here, "form": form})
