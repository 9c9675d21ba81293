"""The draw algorithm, as pure functions of a seed and a frozen snapshot, so
that anyone holding both can re-run it and get the same result.

Algorithm "v1" (documented on the verify page):

1. The snapshot is a JSON object::

       {"population": [[enterprise_id, grade], ...]   # sorted by id
        "directed":   [[enterprise_id, grade, reason], ...]
        "officers":   [officer_id, ...]               # eligible on the draw date, sorted
        "excluded":   {"<enterprise_id>": [officer_id, ...]}  # conflicts, last checker
        "ratios": {"A": "0.05", ...}, "fixed": null | n, "team_size": 2}

   Its SHA-256 is taken over ``json.dumps(snapshot, sort_keys=True,
   separators=(",", ":"), ensure_ascii=False)`` encoded as UTF-8.
2. Per credit-grade stratum (A, B, C, D) the quota is ``ceil(ratio × size)``,
   or with a fixed number ``n`` the largest-remainder share of ``n`` in
   proportion to the stratum sizes.  Enterprises of a stratum are ranked by
   ``HMAC-SHA256(seed, str(enterprise_id))`` (seed = the 16 seed bytes) and
   the first ``quota`` are drawn (随机).  Directed enterprises (定向) are added.
3. For every drawn enterprise, the eligible officers minus its exclusions are
   ranked by ``HMAC-SHA256(seed, f"{enterprise_id}:{officer_id}")`` and the
   first ``team_size`` (≥ 2) form its team.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from dataclasses import dataclass
from decimal import Decimal

ALGORITHM = "v1"
GRADES = ("A", "B", "C", "D")
MIN_TEAM = 2


class DrawError(ValueError):
    """The draw cannot be made (e.g. fewer than two eligible inspectors)."""


@dataclass(frozen=True)
class Pick:
    enterprise_id: int
    grade: str
    mode: str  # "random" | "directed"
    inspectors: tuple[int, ...]
    reason: str = ""


def canonical(snapshot: dict) -> bytes:
    return json.dumps(
        snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def snapshot_sha256(snapshot: dict) -> str:
    return hashlib.sha256(canonical(snapshot)).hexdigest()


def _rank(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def quotas(sizes: dict[str, int], ratios: dict[str, Decimal], fixed: int | None):
    """How many enterprises to draw from each stratum."""
    if fixed is None:
        return {
            g: min(sizes.get(g, 0), math.ceil(Decimal(ratios[g]) * sizes.get(g, 0)))
            for g in GRADES
        }
    total = sum(sizes.values())
    fixed = min(fixed, total)
    if total == 0:
        return dict.fromkeys(GRADES, 0)
    exact = {g: Decimal(fixed) * sizes.get(g, 0) / total for g in GRADES}
    share = {g: int(exact[g]) for g in GRADES}
    left = fixed - sum(share.values())
    for g in sorted(GRADES, key=lambda g: (-(exact[g] - share[g]), g))[:left]:
        share[g] += 1
    return share


def compute(seed_hex: str, snapshot: dict) -> list[Pick]:
    """The draw that ``seed_hex`` and ``snapshot`` determine (see module doc)."""
    key = bytes.fromhex(seed_hex)
    team_size = max(MIN_TEAM, int(snapshot.get("team_size", MIN_TEAM)))
    strata: dict[str, list[int]] = {g: [] for g in GRADES}
    grade_of: dict[int, str] = {}
    for enterprise_id, grade in snapshot["population"]:
        strata[grade].append(enterprise_id)
        grade_of[enterprise_id] = grade
    quota = quotas(
        {g: len(ids) for g, ids in strata.items()},
        {g: Decimal(str(r)) for g, r in snapshot["ratios"].items()},
        snapshot.get("fixed"),
    )
    chosen: list[tuple[int, str, str, str]] = []
    for g in GRADES:
        ranked = sorted(strata[g], key=lambda e: _rank(key, str(e)))
        chosen += [(e, g, "random", "") for e in ranked[: quota[g]]]
    chosen += [(e, g, "directed", reason) for e, g, reason in snapshot["directed"]]
    chosen.sort(key=lambda c: c[0])

    officers = snapshot["officers"]
    excluded = {int(k): set(v) for k, v in snapshot.get("excluded", {}).items()}
    picks = []
    for enterprise_id, grade, mode, reason in chosen:
        barred = excluded.get(enterprise_id, set())
        eligible = [o for o in officers if o not in barred]
        if len(eligible) < team_size:
            raise DrawError(
                f"企业（ID {enterprise_id}）可选派的检查人员不足 {team_size} 人。"
            )
        eligible.sort(key=lambda o: _rank(key, f"{enterprise_id}:{o}"))
        picks.append(
            Pick(
                enterprise_id, grade, mode, tuple(sorted(eligible[:team_size])), reason
            )
        )
    return picks
