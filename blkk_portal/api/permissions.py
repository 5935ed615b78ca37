"""Who may write through the API: the role's model permission, then the row's scope.

Reads need nothing but a signed-in user: every list and every object lookup goes
through `visible_to`, so an object outside the caller's scope answers 404 before any
permission is asked. A write on an object inside the scope that the caller may only
read answers 403.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

ACTION_OF_METHOD = {
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def model_permission(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class RoleWritePermission(BasePermission):
    """Creating needs the role's `add` permission; changing or deleting an object
    needs the role's permission and the object among `writable_by(user)`."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if getattr(view, "detail", False):
            # Decided per object, after the scoped look-up has answered 404 or not.
            return True
        return request.user.has_perm(
            model_permission(view.write_model, view.write_action or "add")
        )

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        action = view.write_action or ACTION_OF_METHOD[request.method]
        model = view.write_model
        if not request.user.has_perm(model_permission(model, action)):
            return False
        writable_by = getattr(model.objects, "writable_by", None)
        if writable_by is None:
            # Reference data (trades): the role's permission alone decides.
            return True
        return writable_by(request.user).filter(pk=obj.pk).exists()
