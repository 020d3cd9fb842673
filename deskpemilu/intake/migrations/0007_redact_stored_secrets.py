"""Messages stored before secrets were stripped from the raw request keep the SMS
gateway's key in `raw` (and the admin shows it): mask it as new messages are masked
(intake.webhooks.redact). Runs once; reads only rows that name a secret."""

from django.db import migrations
from django.db.models import Q


def redact_stored(apps, schema_editor):
    from deskpemilu.intake.webhooks import SECRET_PARAMS, redact

    InboundMessage = apps.get_model("intake", "InboundMessage")
    named = Q()
    for name in SECRET_PARAMS:
        named |= Q(raw__icontains=f"{name}=")
    rows = InboundMessage.objects.filter(
        named, channel__in=["sms_gateway", "sms_twilio"]
    ).only("pk", "raw")
    changed = []
    for message in rows.iterator(chunk_size=2000):
        masked = "\n".join(redact(line) for line in message.raw.split("\n"))
        if masked != message.raw:
            message.raw = masked
            changed.append(message)
        if len(changed) >= 2000:
            InboundMessage.objects.bulk_update(changed, ["raw"])
            changed = []
    if changed:
        InboundMessage.objects.bulk_update(changed, ["raw"])


class Migration(migrations.Migration):
    dependencies = [("intake", "0006_reporter_handles")]

    operations = [migrations.RunPython(redact_stored, migrations.RunPython.noop)]
