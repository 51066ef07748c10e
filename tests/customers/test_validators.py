import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from billing.models import CompanyProfile
from customers.validators import (
    validate_account_number,
    validate_bik,
    validate_correspondent_account,
    validate_inn,
    validate_kpp,
    validate_ogrn,
    validate_settlement_account,
)

INN_FORMAT = "INN must be 10 digits for a company or 12 for a person."
INN_MISMATCH = "INN control digits do not match: check the number."
OGRN_FORMAT = "OGRN must be 13 digits (15 for an individual entrepreneur)."
OGRN_MISMATCH = "OGRN control digit does not match: check the number."
KPP_FORMAT = "KPP must be 9 characters: 4 digits, 2 digits or letters, 3 digits."
SETTLEMENT_MISMATCH = "The settlement account does not match the BIK: check both numbers."
CORRESPONDENT_MISMATCH = "The correspondent account does not match the BIK: check both numbers."

# Sberbank's published details; the demo company prints them on its documents.
SBERBANK_BIK = "044525225"
SBERBANK_CORRESPONDENT_ACCOUNT = "30101810400000000225"
DEMO_SETTLEMENT_ACCOUNT = "40702810938000000001"


def english_messages(error: ValidationError) -> list[str] | dict[str, list[str]]:
    # Messages are lazy: they take the language active when they are read.
    with translation.override("en"):
        return error.message_dict if hasattr(error, "error_dict") else error.messages


def messages_of(validate, *args, **kwargs) -> list[str]:
    with pytest.raises(ValidationError) as error:
        validate(*args, **kwargs)
    return english_messages(error.value)


@pytest.mark.parametrize(
    "inn",
    [
        "7707083893",  # shared/PITFALLS.md
        "500100732259",  # 5001007322 + stdnum.ru.inn.calc_personal_check_digits("5001007322")
    ],
)
def test_valid_inn_passes(inn):
    validate_inn(inn)


@pytest.mark.parametrize(
    "inn",
    [
        "7701234567",  # shared/PITFALLS.md
        "7707083894",
        "500100732250",
        "500100732269",
    ],
)
def test_inn_with_wrong_control_digits_is_refused(inn):
    assert messages_of(validate_inn, inn) == [INN_MISMATCH]


@pytest.mark.parametrize(
    "inn",
    [
        "",
        "12345",
        "77070838931",
        "77070838ab",
        # stdnum accepts these; the stored INN must be the bare ASCII digits.
        "7707 083893",
        " 7707083893",
        "٧٧٠٧٠٨٣٨٩٣",
    ],
)
def test_inn_of_wrong_shape_is_refused(inn):
    assert messages_of(validate_inn, inn) == [INN_FORMAT]


def test_inn_message_is_translated():
    with pytest.raises(ValidationError) as error:
        validate_inn("7701234567")

    with translation.override("ru"):
        assert error.value.messages == ["Контрольные цифры ИНН не сходятся: проверьте номер."]


@pytest.mark.parametrize(
    "ogrn",
    [
        "1027700132195",  # Sberbank's OGRN, printed by the demo company
        "304500116000157",  # OGRNIP: 30450011600015 + stdnum.ru.ogrn.calc_check_digit
    ],
)
def test_valid_ogrn_passes(ogrn):
    validate_ogrn(ogrn)


@pytest.mark.parametrize("ogrn", ["1027700132196", "304500116000158", "0027700132195"])
def test_ogrn_with_wrong_control_digit_is_refused(ogrn):
    assert messages_of(validate_ogrn, ogrn) == [OGRN_MISMATCH]


@pytest.mark.parametrize(
    "ogrn", ["102770013219", "10277001321950", "102770013219a", "1027 700132195"]
)
def test_ogrn_of_wrong_shape_is_refused(ogrn):
    assert messages_of(validate_ogrn, ogrn) == [OGRN_FORMAT]


@pytest.mark.parametrize("kpp", ["773601001", "7736AB001", "77360A001"])
def test_valid_kpp_passes(kpp):
    validate_kpp(kpp)


@pytest.mark.parametrize(
    "kpp", ["", "77360100", "7736010011", "7736ab001", "7736-0001", "77360100A", "７７３６01001"]
)
def test_kpp_of_wrong_shape_is_refused(kpp):
    assert messages_of(validate_kpp, kpp) == [KPP_FORMAT]


@pytest.mark.parametrize(
    "bik",
    [
        SBERBANK_BIK,
        "004525988",  # a Federal Treasury office: their BIKs start with 00, not 04
    ],
)
def test_valid_bik_passes(bik):
    validate_bik(bik)


@pytest.mark.parametrize("bik", ["", "04452522", "0445252250", "04452522a", "٠44525225"])
def test_bik_of_wrong_shape_is_refused(bik):
    assert messages_of(validate_bik, bik) == ["BIK must be 9 digits."]


def test_account_number_of_20_digits_passes():
    validate_account_number(DEMO_SETTLEMENT_ACCOUNT)


@pytest.mark.parametrize(
    "account", ["4070281093800000000", "407028109380000000011", "40702810B38000000001"]
)
def test_account_number_of_wrong_shape_is_refused(account):
    assert messages_of(validate_account_number, account) == ["An account number must be 20 digits."]


@pytest.mark.parametrize(
    ("account", "bik"),
    [
        # Example 3 of the Bank of Russia's order No. 515 (8 September 1997).
        ("40602810700000000025", "049805746"),
        (DEMO_SETTLEMENT_ACCOUNT, SBERBANK_BIK),
    ],
)
def test_settlement_account_matching_the_bik_passes(account, bik):
    validate_settlement_account(account, bik=bik)


@pytest.mark.parametrize(
    ("account", "bik"),
    [
        ("40602810800000000025", "049805746"),
        ("40602810700000000025", "049805747"),
        # A correspondent account is keyed with another number of the BIK.
        (SBERBANK_CORRESPONDENT_ACCOUNT, SBERBANK_BIK),
    ],
)
def test_settlement_account_not_matching_the_bik_is_refused(account, bik):
    assert messages_of(validate_settlement_account, account, bik=bik) == [SETTLEMENT_MISMATCH]


@pytest.mark.parametrize(
    ("account", "bik"),
    [
        # Example 1 of the Bank of Russia's order No. 515 (8 September 1997).
        ("30101810800000000746", "049805000"),
        (SBERBANK_CORRESPONDENT_ACCOUNT, SBERBANK_BIK),
    ],
)
def test_correspondent_account_matching_the_bik_passes(account, bik):
    validate_correspondent_account(account, bik=bik)


@pytest.mark.parametrize(
    ("account", "bik"),
    [("30101810900000000746", "049805000"), (SBERBANK_CORRESPONDENT_ACCOUNT, "044535225")],
)
def test_correspondent_account_not_matching_the_bik_is_refused(account, bik):
    assert messages_of(validate_correspondent_account, account, bik=bik) == [CORRESPONDENT_MISMATCH]


@pytest.mark.parametrize(
    ("account", "bik"),
    [("4070281093800000000", SBERBANK_BIK), (DEMO_SETTLEMENT_ACCOUNT, "04452522")],
)
def test_account_keys_leave_malformed_numbers_to_the_field_validators(account, bik):
    validate_settlement_account(account, bik=bik)
    validate_correspondent_account(account, bik=bik)


def company_details(**changes) -> CompanyProfile:
    details = {
        "name": "ООО «Ромашка»",
        "inn": "7707083893",
        "kpp": "773601001",
        "ogrn": "1027700132195",
        "address": "г. Москва, ул. Лесная, д. 1",
        "bank_name": "ПАО Сбербанк",
        "bik": SBERBANK_BIK,
        "bank_account": DEMO_SETTLEMENT_ACCOUNT,
        "correspondent_account": SBERBANK_CORRESPONDENT_ACCOUNT,
        "director": "Иванов И. И.",
    }
    return CompanyProfile(**{**details, **changes})


@pytest.mark.django_db
def test_company_details_with_matching_bank_details_pass():
    company_details().full_clean()


@pytest.mark.django_db
def test_company_details_check_each_identifier():
    company = company_details(ogrn="1027700132196", bik="04452522")

    with pytest.raises(ValidationError) as error:
        company.full_clean()

    assert english_messages(error.value) == {
        "ogrn": [OGRN_MISMATCH],
        "bik": ["BIK must be 9 digits."],
    }


@pytest.mark.django_db
def test_company_details_check_both_accounts_against_the_bik():
    company = company_details(bik="044535226")

    with pytest.raises(ValidationError) as error:
        company.full_clean()

    assert english_messages(error.value) == {
        "bank_account": [SETTLEMENT_MISMATCH],
        "correspondent_account": [CORRESPONDENT_MISMATCH],
    }
