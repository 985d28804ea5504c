from somatrace.clients.screening import SCREEN_ITEMS, ItemKind, evaluate_screen

ALL_NO = {item.code: False for item in SCREEN_ITEMS}


def test_it_has_the_items_the_intake_specification_lists() -> None:
    kinds = {kind: {i.code for i in SCREEN_ITEMS if i.kind is kind} for kind in ItemKind}
    assert len(kinds[ItemKind.ABSOLUTE]) == 7
    assert kinds[ItemKind.RELATIVE] == {
        "high_risk_pregnancy",
        "acute_infection",
        "deep_vein_thrombosis",
    }
    assert kinds[ItemKind.SAFETY] == {"suicidal_thoughts", "psychosis", "substance_crisis"}


def test_all_no_holds_nothing() -> None:
    result = evaluate_screen(ALL_NO)
    assert (result.holds, result.cautions, result.safety, result.unanswered) == ((), (), (), ())
    assert not result.needs_clearance


def test_an_absolute_yes_needs_clearance() -> None:
    result = evaluate_screen({**ALL_NO, "stroke_6_months": True})
    assert [i.code for i in result.holds] == ["stroke_6_months"]
    assert result.needs_clearance


def test_a_relative_yes_is_only_a_caution() -> None:
    result = evaluate_screen({**ALL_NO, "deep_vein_thrombosis": True})
    assert [i.code for i in result.cautions] == ["deep_vein_thrombosis"]
    assert not result.needs_clearance and result.safety == ()


def test_a_safety_yes_is_reported_as_safety() -> None:
    result = evaluate_screen({**ALL_NO, "psychosis": True, "substance_crisis": True})
    assert [i.code for i in result.safety] == ["psychosis", "substance_crisis"]


def test_a_missing_answer_is_unanswered_not_no() -> None:
    answers = dict(ALL_NO)
    del answers["acute_aneurysm"]
    answers["psychosis"] = None
    result = evaluate_screen(answers)
    assert {i.code for i in result.unanswered} == {"acute_aneurysm", "psychosis"}


def test_unknown_codes_are_ignored() -> None:
    assert evaluate_screen({**ALL_NO, "made_up": True}).holds == ()
