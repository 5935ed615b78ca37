"""Factories for portal users, one trait per role."""

from __future__ import annotations

import factory

from blkk_portal.accounts.models import ADMIN_ROLES, Role, User
from tests.personas import PASSWORD
from training.models import Province


class UserFactory(factory.django.DjangoModelFactory):
    """A user without a role; `UserFactory(ministry=True)` and so on for the roles.

    Like `mentoring.services.user_create`, a manager gets a BLKK (a new one unless
    `managed_blkks=[...]` is given) and a mentor gets a Mentor profile.
    """

    username = factory.Sequence(lambda n: f"pengguna{n}")
    full_name = factory.Faker("name", locale="id_ID")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.id")
    password = factory.django.Password(PASSWORD)
    role = ""
    province = None
    is_staff = factory.LazyAttribute(lambda o: o.role in ADMIN_ROLES)

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        ministry = factory.Trait(role=Role.MINISTRY)
        province_staff = factory.Trait(
            role=Role.PROVINCE,
            province=factory.LazyFunction(lambda: Province.objects.get(code="32")),
        )
        blkk_manager = factory.Trait(role=Role.BLKK_MANAGER)
        mentor = factory.Trait(
            role=Role.MENTOR,
            mentor_profile=factory.RelatedFactory(
                "tests.mentoring.factories.MentorFactory",
                factory_related_name="user",
                full_name=factory.SelfAttribute("..full_name"),
            ),
        )

    @factory.post_generation
    def managed_blkks(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted:
            self.managed_blkks.set(extracted)
        elif self.role == Role.BLKK_MANAGER:
            from tests.training.factories import BlkkFactory

            self.managed_blkks.add(BlkkFactory())
