from billing.models.company import CompanyProfile
from billing.models.documents import Document
from billing.models.online import GatewayNotification, OnlinePayment

__all__ = ["CompanyProfile", "Document", "GatewayNotification", "OnlinePayment"]
