"""The admin's filters by place: their choices come from the small region tables
(38 provinces, a province's regencies), never from the listed rows.

Django's `RelatedOnlyFieldListFilter` lists the provinces found among the rows, a
`SELECT DISTINCT` over a join of the whole table to its BLKKs and regencies (73-135 ms
on trainees and enrollments at national scale, issue #14). These read the province
table instead, and narrow the list by the BLKK's id, which every BLKK record indexes:
`blkk_id IN (the BLKKs of the province)`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from blkk_portal.accounts.models import Role
from blkk_portal.accounts.scope import scope_of
from blkk_portal.numbers import is_ascii_digits

from .models import Blkk, Province, Regency

PROVINCE_PARAMETER = "province"
REGENCY_PARAMETER = "regency"


def _is_province_code(value: str) -> bool:
    return len(value) == 2 and is_ascii_digits(value)


def _is_regency_code(value: str) -> bool:
    province, dot, regency = value.partition(".")
    return dot == "." and _is_province_code(province) and _is_province_code(regency)


class ProvinceFilter(admin.SimpleListFilter):
    """The rows of one province. Ministry staff choose among every province; anyone
    else among the provinces of the BLKKs they reach (shown only when there are two
    or more). Made for a model by `province_filter(...)`."""

    title = _("province")
    parameter_name = PROVINCE_PARAMETER
    # Paths from the listed model to a BLKK: a row is in the province when the BLKK
    # at the end of any of them is.
    blkk_paths: tuple[str, ...] = ()
    # Or the path to a regency (a partner's, a BLKK's own).
    regency_path = ""
    # Every province for everyone: the listed rows are shared reference data.
    every_province = False

    def lookups(self, request, model_admin) -> list[tuple[str, Any]]:
        provinces = Province.objects.order_by("name")
        user = request.user
        if not (self.every_province or user.sees_everything):
            blkk_ids = scope_of(user).blkk_ids
            if blkk_ids is None:
                return []
            provinces = provinces.filter(regencies__blkks__in=blkk_ids).distinct()
        return list(provinces.values_list("code", "name"))

    def has_output(self) -> bool:
        # One choice filters nothing; a chosen province stays shown (and applied).
        return len(self.lookup_choices) > 1 or self.value() is not None

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        code = self.value()
        if code is None:
            return queryset
        if not _is_province_code(code):
            return queryset.none()
        if self.regency_path:
            return queryset.filter(**{f"{self.regency_path}__province_id": code})
        blkks = Blkk.objects.filter(regency__province_id=code).values("pk")
        condition = Q()
        for path in self.blkk_paths:
            condition |= Q(**{f"{path}__in": blkks})
        return queryset.filter(condition)

    def choices(self, changelist):
        # Another province's regency would list nothing: choosing a province drops
        # the regency chosen before.
        drop = [self.parameter_name, REGENCY_PARAMETER]
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=drop),
            "display": _("All"),
        }
        for code, name in self.lookup_choices:
            yield {
                "selected": self.value() == str(code),
                "query_string": changelist.get_query_string(
                    {self.parameter_name: code}, [REGENCY_PARAMETER]
                ),
                "display": name,
            }


def province_filter(
    *blkk_paths: str, regency_path: str = "", every_province: bool = False
) -> type[ProvinceFilter]:
    """A `ProvinceFilter` for a model whose rows lead to a BLKK by `blkk_paths`
    ("blkk", "trainee__blkk"...) or to a regency by `regency_path`."""
    label = "_".join(blkk_paths) or regency_path
    return type(
        f"ProvinceFilter_{label}",
        (ProvinceFilter,),
        {
            "blkk_paths": blkk_paths,
            "regency_path": regency_path,
            "every_province": every_province,
            "__module__": __name__,
        },
    )


class BlkkRegencyFilter(admin.SimpleListFilter):
    """A BLKK's regency, among those of the chosen province (514 regencies are too
    many to list at once): ministry staff pick a province first; province staff see
    their province's regencies, a manager those of their BLKKs."""

    title = _("regency")
    parameter_name = REGENCY_PARAMETER

    def lookups(self, request, model_admin) -> list[tuple[str, Any]]:
        user = request.user
        regencies = Regency.objects.order_by("name")
        province = request.GET.get(PROVINCE_PARAMETER)
        if province is not None and not _is_province_code(province):
            return []
        if province is None and user.role == Role.PROVINCE and user.province_id:
            province = user.province_id
        if not user.sees_everything:
            blkk_ids = scope_of(user).blkk_ids
            if blkk_ids is None:
                return []
            regencies = regencies.filter(blkks__in=blkk_ids).distinct()
        elif province is None:
            chosen = self.value()
            if chosen is None or not _is_regency_code(chosen):
                return []
            # A link to one regency, without its province: that regency alone.
            regencies = regencies.filter(code=chosen)
        if province is not None:
            regencies = regencies.filter(province_id=province)
        return list(regencies.values_list("code", "name"))

    def has_output(self) -> bool:
        return len(self.lookup_choices) > 1 or self.value() is not None

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        code = self.value()
        if code is None:
            return queryset
        if not _is_regency_code(code):
            return queryset.none()
        return queryset.filter(regency_id=code)
