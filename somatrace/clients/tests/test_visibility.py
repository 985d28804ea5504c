"""The one rule of who sees which clients (Actor.client_scope), through every query set."""

import pytest

from somatrace.accounts.models import Role
from somatrace.clients.models import Client
from somatrace.core.actor import Actor
from somatrace.testing import make_client, make_member, make_session, staff_actor, system_actor
from somatrace.therapy.models import Session, TimelineEvent
from somatrace.therapy.testing import make_event


@pytest.fixture
def two_clients(practice, practitioner, colleague):
    return make_client(practice, practitioner), make_client(practice, colleague)


@pytest.mark.django_db
def test_a_practitioner_sees_only_their_own_clients(practitioner, two_clients) -> None:
    mine, _theirs = two_clients
    assert list(Client.objects.visible_to(staff_actor(practitioner))) == [mine]


@pytest.mark.django_db
def test_a_practitioner_granted_more_sees_the_practice(practice, two_clients) -> None:
    senior = make_member(practice, Role.PRACTITIONER, sees_all_clients=True)
    assert set(Client.objects.visible_to(staff_actor(senior))) == set(two_clients)


@pytest.mark.django_db
def test_an_owner_sees_the_whole_practice(owner, two_clients) -> None:
    assert set(Client.objects.visible_to(staff_actor(owner))) == set(two_clients)


@pytest.mark.django_db
def test_an_assistant_sees_contacts_but_no_clinical_records(assistant, two_clients) -> None:
    actor = staff_actor(assistant)
    assert set(Client.objects.visible_to(actor, clinical=False)) == set(two_clients)
    assert not Client.objects.visible_to(actor).exists()


@pytest.mark.django_db
def test_nobody_sees_another_practice(outsider, two_clients) -> None:
    actor = staff_actor(outsider)
    assert not Client.objects.visible_to(actor).exists()
    assert not Client.objects.visible_to(actor, clinical=False).exists()


@pytest.mark.django_db
def test_without_an_actor_nothing_is_visible(two_clients) -> None:
    assert not Client.objects.visible_to(None, clinical=False).exists()


@pytest.mark.django_db
def test_a_link_holder_sees_their_own_client_only(practice, two_clients) -> None:
    mine, _theirs = two_clients
    holder = Actor.link_holder(practice_id=practice.pk, client_id=mine.pk, reference="link:x")
    assert list(Client.objects.visible_to(holder)) == [mine]


@pytest.mark.django_db
def test_the_system_acts_for_the_whole_practice_and_no_other(
    practice, other_practice, two_clients
) -> None:
    elsewhere = make_client(other_practice, make_member(other_practice))
    visible = set(Client.objects.visible_to(system_actor(practice)))
    assert visible == set(two_clients) and elsewhere not in visible


@pytest.mark.django_db
def test_records_follow_their_clients_rule(practitioner, colleague, two_clients) -> None:
    mine, theirs = two_clients
    my_session, their_session = make_session(mine), make_session(theirs)
    my_event = make_event(my_session)
    make_event(their_session)
    actor = staff_actor(practitioner)
    assert list(Session.objects.visible_to(actor)) == [my_session]
    assert list(TimelineEvent.objects.visible_to(actor)) == [my_event]
    assert (
        not TimelineEvent.objects.visible_to(staff_actor(colleague)).filter(pk=my_event.pk).exists()
    )


def test_an_actor_cannot_be_made_without_a_practice() -> None:
    with pytest.raises(ValueError, match="practice"):
        Actor.system(0, "test")
