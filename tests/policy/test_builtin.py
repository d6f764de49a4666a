"""The five built-in profiles and the articles their values come from."""

from __future__ import annotations

import pytest

from shenguan.policy.builtin import BUILTIN_PROFILES, SEED_OF, SOURCES
from shenguan.policy.models import PolicyProfile
from shenguan.policy.params import ClaimMode, PolicyParams


def test_every_parameter_of_every_builtin_has_a_citation():
    assert set(SOURCES) == set(BUILTIN_PROFILES) == set(SEED_OF)
    fields = set(PolicyParams.model_fields)
    for code, spec in BUILTIN_PROFILES.items():
        assert set(spec["params"]) == fields, code  # every parameter set explicitly
        assert set(SOURCES[code]) == fields, (code, fields ^ set(SOURCES[code]))
        for param, citation in SOURCES[code].items():
            assert citation.startswith(SEED_OF[code] + " "), (code, param, citation)
            assert len(citation) > len(SEED_OF[code]) + 4, (code, param)


def test_builtins_hold_what_domain_md_section_5_says():
    p = {code: PolicyParams.model_validate(s["params"]) for code, s in BUILTIN_PROFILES.items()}
    lc = p["liaocheng-2021"]
    assert (
        lc.claim_mode,
        lc.claim_window_days,
        lc.feedback_push_days,
        lc.bureau_claim_days,
        lc.credit_push_days,
        lc.bulletin_period,
    ) == (ClaimMode.TIMEOUT, 2, 3, 2, 7, "quarter")
    assert p["yiyang-2023"].claim_mode == ClaimMode.ON_PUSH
    assert p["yiyang-2023"].abnormal_only_feedback and p["yiyang-2023"].credit_check_at_acceptance
    assert p["dalate-2023"].handover_memo_required and p["dalate-2023"].transition_months == 6
    assert p["wuhai-2018"].public_notice_silence_no_objection
    assert p["laiyang-2018"].handover_window_months == 1
    # "Timely" (及时) becomes 2 working days.
    for code in ("wuhai-2018", "laiyang-2018", "dalate-2023"):
        assert p[code].claim_window_days == 2 and p[code].feedback_push_days == 2
    # Each citation names the article behind the seed-fixed values.
    assert "§17(一)" in SOURCES["liaocheng-2021"]["claim_window_days"]
    assert "§19(一)" in SOURCES["liaocheng-2021"]["credit_push_days"]
    assert "三(二)3" in SOURCES["yiyang-2023"]["claim_mode"]
    assert "五(二)" in SOURCES["dalate-2023"]["transition_months"]
    assert "§19" in SOURCES["wuhai-2018"]["public_notice_silence_no_objection"]


@pytest.mark.django_db
def test_installed_builtins_match_the_code():
    for code, spec in BUILTIN_PROFILES.items():
        prof = PolicyProfile.objects.get(code=code)
        assert prof.builtin
        assert prof.current_version.params == PolicyParams.model_validate(
            spec["params"]
        ).model_dump(mode="json")
