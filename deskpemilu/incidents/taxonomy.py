"""The desk's words for incidents: categories, severities, statuses. Plain choices
(no ORM) so parsers and rules can use them without Django models. (The TPS check-in
stages are intake's: `intake.models.CheckinStage`.)
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    KEKERASAN = "kekerasan", _("Violence or clashes")
    INTIMIDASI = "intimidasi", _("Intimidation")
    POLITIK_UANG = "politik_uang", _("Money politics")
    NETRALITAS = (
        "netralitas",
        _("Neutrality breach (civil servants, TNI/Polri, village heads)"),
    )
    LOGISTIK = "logistik", _("Logistics (shortage, damage, late, swapped ballots)")
    HAK_PILIH = "hak_pilih", _("Voter list and voting rights")
    HOAKS_SARA = "hoaks_sara", _("Hoax, hate speech, SARA incitement")
    UNJUK_RASA = "unjuk_rasa", _("Protest or mass gathering")
    KAMPANYE = "kampanye", _("Campaign breach (outside schedule, quiet period)")
    BENCANA = "bencana", _("Disaster or weather")
    LISTRIK_INTERNET = "listrik_internet", _("Power or internet outage")
    LAINNYA = "lainnya", _("Other")


class Severity(models.TextChoices):
    RINGAN = "ringan", _("minor")
    SEDANG = "sedang", _("moderate")
    BERAT = "berat", _("serious")
    KRITIS = "kritis", _("critical")


SEVERITY_RANK = {"ringan": 1, "sedang": 2, "berat": 3, "kritis": 4}


class Status(models.TextChoices):
    BARU = "baru", _("new")
    TERVERIFIKASI = "terverifikasi", _("verified")
    DITANGANI = "ditangani", _("being handled")
    SELESAI = "selesai", _("closed")
    DITOLAK = "ditolak", _("rejected")


class RejectReason(models.TextChoices):
    HOAKS = "hoaks", _("hoax / not true")
    DUPLIKAT = "duplikat", _("duplicate")
    DI_LUAR_CAKUPAN = "di_luar_cakupan", _("out of scope")
