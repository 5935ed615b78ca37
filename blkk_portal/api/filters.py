"""Filter building blocks: every query parameter is validated before it reaches SQL.

An id filter takes a positive bigint, a code filter a short string, a month filter
`YYYY-MM`; anything else is a 400 naming the parameter. Filters compare against the
already scoped queryset, so naming an object outside the caller's scope gives an
empty list, never its data.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter, SearchFilter

from blkk_portal.forms import IntegerField, MonthFormField
from blkk_portal.months import SCHEMA_PATTERN

MAX_BIGINT = 2**63 - 1
# Query parameters that are not a FilterSet's: pages, search and order.
NOT_FILTERS = frozenset({"page", "page_size", "cursor", "search", "ordering"})
MAX_SEARCH_LENGTH = 100


@extend_schema_field(OpenApiTypes.INT64)
class IdFilter(filters.NumberFilter):
    field_class = IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_BIGINT)
        super().__init__(*args, **kwargs)


class CodeFilter(filters.CharFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.NullBooleanField):
    """`true` or `false` (or 1, 0); anything else is a 400, not an ignored filter."""

    widget = forms.TextInput
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if str(value).lower() not in self.VALUES:
            raise ValidationError(_("Use true or false."))
        return self.VALUES[str(value).lower()]

    def validate(self, value):
        pass


@extend_schema_field(OpenApiTypes.BOOL)
class BooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs["widget"] = forms.TextInput
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "string", "pattern": SCHEMA_PATTERN})
class MonthFilter(filters.Filter):
    field_class = MonthFormField

    def filter(self, qs, value):
        return super().filter(qs, None if value is None else value.first_day)


class PortalFilterBackend(DjangoFilterBackend):
    """django-filter's backend, which builds and validates no FilterSet for a
    request that names no filter: a filter whose value is absent leaves the rows as
    they are, and building the FilterSet's form for nothing was a twentieth of a
    token-authenticated list's time (docs/PERFORMANCE.md)."""

    def filter_queryset(self, request, queryset, view):
        if NOT_FILTERS.issuperset(request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


class PortalSearchFilter(SearchFilter):
    """DRF's search, with the term bounded and NUL bytes refused (PostgreSQL cannot
    compare them, so they would otherwise surface as a server error).

    `=field` is an exact match (DRF's is case-insensitive, which no plain index
    serves). A view may define `digit_search(queryset, term)` for a term with any
    digit in it: the trainees' list answers it by NIK, only among the rows whose
    NIK the caller sees whole, and refuses it for everyone else.
    """

    lookup_prefixes = {**SearchFilter.lookup_prefixes, "=": "exact"}

    def filter_queryset(self, request, queryset, view):
        digit_search = getattr(view, "digit_search", None)
        if digit_search is not None:
            term = " ".join(self.get_search_terms(request))
            if any(character.isdigit() for character in term):
                return digit_search(queryset, term)
        return super().filter_queryset(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        if not getattr(view, "search_fields", None):
            return []
        return super().get_schema_operation_parameters(view)

    def get_search_terms(self, request):
        raw = request.query_params.get(self.search_param, "")
        if len(raw) > MAX_SEARCH_LENGTH:
            raise exceptions.ValidationError(
                {
                    self.search_param: [
                        _("Search for at most %(n)s characters.")
                        % {"n": MAX_SEARCH_LENGTH}
                    ]
                }
            )
        try:
            ProhibitNullCharactersValidator()(raw)
        except ValidationError as error:
            raise exceptions.ValidationError(
                {self.search_param: error.messages}
            ) from error
        return super().get_search_terms(request)


class PortalOrderingFilter(OrderingFilter):
    """Ordering by the listed fields only; the pk breaks ties so pages stay stable."""

    def get_schema_operation_parameters(self, view):
        if not getattr(view, "ordering_fields", None):
            return []
        return super().get_schema_operation_parameters(view)

    def get_ordering(self, request, queryset, view):
        if not getattr(view, "ordering_fields", None):
            return self.get_default_ordering(view)
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not {"pk", "-pk", "id", "-id"} & set(ordering):
            ordering = [*ordering, "pk"]
        return ordering
