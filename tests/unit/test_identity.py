"""GB 11643 ID numbers: the check character and the normalisation rules."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.domain.errors import ValidationError
from desktop.domain.identity import (
    birth_date_of,
    gb11643_check_digit,
    gender_of,
    is_valid_id_number,
    normalize_id_number,
)

# The two worked examples printed in GB 11643-1999 itself.
STANDARD_EXAMPLES = ["11010519491231002X", "440524188001010014"]


@pytest.mark.parametrize("number", STANDARD_EXAMPLES)
def test_check_digit_of_the_standard_examples(number: str) -> None:
    assert gb11643_check_digit(number[:17]) == number[17]


def test_check_digit_ten_is_an_uppercase_x() -> None:
    assert gb11643_check_digit("11010519491231002") == "X"


@pytest.mark.parametrize("bad", ["1101051949123100", "110105194912310021", "11010519491231002a",
                                 "１１０１０５１９４９１２３１００２"])
def test_check_digit_needs_exactly_17_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        gb11643_check_digit(bad)


def test_every_single_digit_change_is_caught() -> None:
    """MOD 11-2 detects every single-digit error: no other digit keeps the check."""
    number = "43010219850612301"
    check = gb11643_check_digit(number)
    for position in range(17):
        for digit in "0123456789":
            if digit == number[position]:
                continue
            changed = number[:position] + digit + number[position + 1:]
            assert gb11643_check_digit(changed) != check


def test_lowercase_x_is_accepted_and_stored_uppercase() -> None:
    assert normalize_id_number(" 11010519491231002x ") == "11010519491231002X"


def test_full_width_digits_are_folded() -> None:
    assert normalize_id_number("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"


def test_a_wrong_check_character_names_the_expected_one() -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_id_number("110105194912310021")
    assert "校验位" in caught.value.message
    assert "应为 X" in caught.value.message


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("11010519491231002", "18 位"),
        ("99010519491231002X", "省级代码"),
        ("110105194902300020", "出生日期"),  # 30 February
    ],
)
def test_malformed_numbers_are_refused_with_a_reason(raw: str, words: str) -> None:
    first17 = raw[:17]
    if len(raw) == 18 and first17.isdigit():
        raw = first17 + gb11643_check_digit(first17)  # only the named part is wrong
    with pytest.raises(ValidationError) as caught:
        normalize_id_number(raw)
    assert words in caught.value.message


def test_a_future_birth_date_is_refused() -> None:
    first17 = "43010220300101001"
    with pytest.raises(ValidationError, match="不合理"):
        normalize_id_number(first17 + gb11643_check_digit(first17), today=date(2026, 1, 1))


def test_birth_date_and_gender() -> None:
    assert birth_date_of("11010519491231002X") == date(1949, 12, 31)
    assert gender_of("11010519491231002X") == "女"  # sequence 002: even
    assert gender_of("440524188001010014") == "男"  # sequence 001: odd


def test_is_valid_id_number() -> None:
    assert is_valid_id_number("11010519491231002X")
    assert not is_valid_id_number("110105194912310020")
    assert not is_valid_id_number("")
