"""The organisation's figures (org.* of spec/indicators.md): units in force at
31 Dec of Y (``in_force_on(year_end(Y))``); ``org`` narrows to that unit's
subtree."""

from __future__ import annotations

from django.db.models import (
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import StartsWith

from jiaotong.dates import year_end
from jiaotong.metrics.registry import indicator

from .models import OrgUnit


@indicator("org.enforcement_staff")
def org_enforcement_staff(year: int, org) -> int:
    """Established posts of every unit in force at 31 Dec that is an enforcement
    brigade or lies below one (大队部, its 中队 and its 法制股 alike): the brigade's
    own figure covers only its command, the squads hold the rest.  An abolished
    squad's posts stop counting on the day it is abolished."""
    day = year_end(year)
    in_force = OrgUnit.objects.in_force_on(day)
    # A brigade whose path is a prefix of the outer unit's path (or the unit itself).
    brigade_above = in_force.filter(
        StartsWith(
            ExpressionWrapper(OuterRef("path"), output_field=CharField()),
            F("path"),
        ),
        kind=OrgUnit.Kind.BRIGADE,
    )
    units = in_force.filter(Exists(brigade_above))
    if org is not None:
        units = units.filter(path__startswith=org.path)
    return units.aggregate(posts=Coalesce(Sum("established_posts"), Value(0)))["posts"]


@indicator("org.towns")
def org_towns(year: int, org) -> int:
    towns = OrgUnit.objects.in_force_on(year_end(year)).filter(kind=OrgUnit.Kind.TOWN)
    if org is not None:
        towns = towns.filter(path__startswith=org.path)
    return towns.count()
