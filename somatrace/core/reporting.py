from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.views.debug import SafeExceptionReporterFilter


class ClinicalDataFilter(SafeExceptionReporterFilter):
    """Error reports never carry what was typed: every submitted value is masked."""

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.POST}

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> Any:
        return [
            (name, self.cleansed_substitute)
            for name, _ in super().get_traceback_frame_variables(request, tb_frame)
        ]
