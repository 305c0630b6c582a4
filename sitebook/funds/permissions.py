from django.utils.translation import gettext_lazy as _

from sitebook.core.permissions import declare

declare(
    {
        "funds.view": _("See claims, receipts, payables, payments and the funds ledger"),
        "funds.claim": _("Prepare and submit owner progress-payment claims"),
        "funds.certify": _("Certify and invoice owner claims"),
        "funds.receive": _("Record receipts and advances received"),
        "funds.payable": _("Record subcontractor and supplier invoices and payment requests"),
        "funds.approve": _("Approve payables and payment requests"),
        "funds.pay": _("Record payments, advances paid and retention released"),
    }
)
