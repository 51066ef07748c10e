"""Demo company details, so the demo's documents print a full letterhead."""

from billing.models import CompanyProfile


def seed_company() -> CompanyProfile:
    company = CompanyProfile.current()
    if company is not None:
        return company
    return CompanyProfile.objects.create(
        name="ООО «Мебельная мастерская»",
        inn="7707083893",
        kpp="773601001",
        ogrn="1027700132195",
        address="117997, г. Москва, ул. Вавилова, д. 19",
        phone="+7 495 000-00-00",
        email="sales@example.com",
        bank_name="ПАО Сбербанк, г. Москва",
        bik="044525225",
        bank_account="40702810938000000001",
        correspondent_account="30101810400000000225",
        director="Смирнов А. В.",
        accountant="Кузнецова Е. П.",
        vat_note="Цены включают НДС.",
    )
