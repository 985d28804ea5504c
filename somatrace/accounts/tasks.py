"""The accounts app's periodic job: failed sign-ins are kept 90 days, then forgotten."""

from __future__ import annotations

from datetime import datetime, timedelta

from somatrace.accounts import services
from somatrace.core.periodic import periodic


@periodic("accounts.forget_sign_in_failures", every=timedelta(days=1))
def forget_sign_in_failures(now: datetime) -> None:
    services.forget_old_sign_in_failures(now)
