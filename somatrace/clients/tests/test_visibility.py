import pytest

from somatrace.accounts.models import Role
from somatrace.clients.models import Client
from somatrace.testing import make_client, make_member


@pytest.fixture
def two_clients(practice, practitioner, colleague):
    return make_client(practice, practitioner), make_client(practice, colleague)


@pytest.mark.django_db
def test_a_practitioner_sees_only_their_own_clients(practitioner, two_clients) -> None:
    mine, _theirs = two_clients
    assert list(Client.objects.visible_to(practitioner)) == [mine]


@pytest.mark.django_db
def test_a_practitioner_granted_more_sees_the_practice(practice, two_clients) -> None:
    senior = make_member(practice, Role.PRACTITIONER, sees_all_clients=True)
    assert set(Client.objects.visible_to(senior)) == set(two_clients)


@pytest.mark.django_db
def test_an_owner_sees_the_whole_practice(owner, two_clients) -> None:
    assert set(Client.objects.visible_to(owner)) == set(two_clients)


@pytest.mark.django_db
def test_an_assistant_sees_contacts_but_no_clinical_records(assistant, two_clients) -> None:
    assert set(Client.objects.visible_to(assistant, clinical=False)) == set(two_clients)
    assert not Client.objects.visible_to(assistant).exists()


@pytest.mark.django_db
def test_nobody_sees_another_practice(outsider, two_clients) -> None:
    assert not Client.objects.visible_to(outsider).exists()
    assert not Client.objects.visible_to(outsider, clinical=False).exists()


@pytest.mark.django_db
def test_users_without_a_practice_see_nothing(two_clients, django_user_model) -> None:
    loner = django_user_model.objects.create_user("loner@example.test", "x" * 12, full_name="Lone")
    assert not Client.objects.visible_to(loner, clinical=False).exists()


@pytest.mark.django_db
def test_anonymous_users_see_nothing(two_clients) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not Client.objects.visible_to(AnonymousUser(), clinical=False).exists()
