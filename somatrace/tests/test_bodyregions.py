from somatrace.bodyregions import COARSE_REGION_LABELS, COARSE_REGIONS


def test_codes_are_unique_and_lateral_pairs_are_complete() -> None:
    codes = [code for code, _ in COARSE_REGIONS]
    assert len(codes) == len(set(codes)) == 21
    for code in codes:
        if code.endswith("_left"):
            assert code.replace("_left", "_right") in COARSE_REGION_LABELS
    assert COARSE_REGION_LABELS["shoulder_left"] == "Left shoulder"
