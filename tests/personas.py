"""The suite's one set of personas, as healthchecks does.

"Alice manages BLKK A in Jawa Barat; Bob manages BLKK B in Jawa Timur; Rina at the
ministry sees everything; Dewi at the Jawa Barat labour office sees BLKK A; Maya and
Omar are mentors." Each persona's username is its key (`manager_a` signs in as
`manager_a`). They are created through the same service as real users
(`mentoring.services.user_create`): `tests/conftest.py` offers each as a fixture, and
the two-BLKK world of the scoping matrix (`tests/world.py`) is built around them.
"""

from __future__ import annotations

from dataclasses import dataclass

from blkk_portal.accounts.models import User
from mentoring.services import user_create
from tests import reference
from training.models import Blkk

PASSWORD = "a-long-test-password-2026"


@dataclass(frozen=True)
class Persona:
    role: str
    full_name: str
    province: str | None = None


PERSONAS = {
    "ministry": Persona("ministry", "Rina Kemnaker"),
    "province_32": Persona("province", "Dewi Disnaker Jabar", province="32"),
    "manager_a": Persona("blkk_manager", "Alice"),
    "manager_b": Persona("blkk_manager", "Bob"),
    "mentor_a": Persona("mentor", "Maya Mentor"),
    "mentor_b": Persona("mentor", "Omar Mentor"),
}


def make_persona(key: str, *, blkk: Blkk | None = None) -> User:
    """Create the persona `key`; a manager is given the BLKK they manage."""
    persona = PERSONAS[key]
    return user_create(
        username=key,
        password=PASSWORD,
        role=persona.role,
        full_name=persona.full_name,
        email=f"{key}@example.id",
        province=reference.province(persona.province) if persona.province else None,
        blkks=[blkk] if blkk is not None else [],
    )
