"""No model of ours can be left out of a practice export without someone deciding so."""

from __future__ import annotations

from somatrace.transfer.queries import EXCLUDED, PARTS, somatrace_models


def test_every_somatrace_model_is_exported_or_excluded_with_a_reason() -> None:
    listed = {part.label for part in PARTS} | set(EXCLUDED)
    missing = sorted(m._meta.label_lower for m in somatrace_models())
    missing = [label for label in missing if label not in listed]
    assert missing == [], f"add these to transfer/queries.py PARTS or EXCLUDED: {missing}"
    assert all(reason.strip() for reason in EXCLUDED.values())


def test_each_model_is_listed_once_after_the_models_it_points_to() -> None:
    labels = [part.label for part in PARTS]
    assert len(labels) == len(set(labels))
    position = {label: i for i, label in enumerate(labels)}
    late = []
    for part in PARTS:
        meta = part.model._meta
        for field in [*meta.local_fields, *meta.local_many_to_many]:
            target = getattr(field, "related_model", None)
            if not (field.many_to_one or field.one_to_one or field.many_to_many) or target is None:
                continue
            if not field.concrete and not field.many_to_many:
                continue  # a reverse relation
            other = target._meta.label_lower
            if other in position and other != part.label and position[other] > position[part.label]:
                late.append(f"{part.label}.{field.name} -> {other}")
    assert late == []
