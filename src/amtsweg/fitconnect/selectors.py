"""Reads of the FIT-Connect app: what the case page shows about a case that came or went through it."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amtsweg.cases.hooks import ChannelDetail
from amtsweg.cases.models import Case
from amtsweg.fitconnect.models import InboundSubmission, OutboundSubmission

REPLY_CHANNELS = {
    "deMail": gettext_lazy("De-Mail"),
    "elster": gettext_lazy("ELSTER-Transfer"),
    "fink": gettext_lazy("Servicekonto-Postfach (FINK)"),
    "fitConnect": gettext_lazy("FIT-Connect-Rückkanal"),
    "idBundDeMailbox": gettext_lazy("Postfach der DeutschlandID"),
}


def _inbound_detail(inbound: InboundSubmission) -> ChannelDetail:
    lines = [
        _("Onlinedienst: %(name)s") % {"name": inbound.sender_label or _("nicht angegeben")},
        _("FIT-Connect-Einreichung %(id)s, Zustellpunkt „%(destination)s“")
        % {"id": inbound.fit_submission_id, "destination": inbound.destination.name},
    ]
    if inbound.event_status == InboundSubmission.Event.SENT:
        lines.append(
            _("Annahme an FIT-Connect gemeldet am %(when)s")
            % {"when": f"{timezone.localtime(inbound.event_sent_at):%d.%m.%Y, %H:%M} Uhr"}
        )
    else:
        lines.append(_("Annahme an FIT-Connect wird gemeldet."))
    channel = inbound.reply_channel
    if "eMail" in channel and isinstance(channel["eMail"], dict):
        note = _(
            "Rückkanal laut Onlinedienst: E-Mail an %(address)s. Nachrichten von hier gehen dorthin (als "
            "Hinweis mit Zugangslink, ohne Inhalt)."
        ) % {"address": channel["eMail"].get("address", "")}
    elif channel:
        names = ", ".join(str(REPLY_CHANNELS.get(key, key)) for key in channel)
        note = _(
            "Rückkanal laut Onlinedienst: %(channel)s. Diesen Weg unterstützt Amtsweg noch nicht – bitte "
            "antworten Sie per Post."
        ) % {"channel": names}
    else:
        note = _(
            "Der Onlinedienst hat keinen elektronischen Rückkanal angegeben: bitte antworten Sie per Post."
        )
    return ChannelDetail(lines=lines, reply_note=note)


def _outbound_detail(outbound: OutboundSubmission) -> ChannelDetail:
    lines = [
        _("Weitergeleitet über FIT-Connect an %(name)s: %(status)s")
        % {
            "name": outbound.destination_name or _("(Zustellpunkt wird ermittelt)"),
            "status": outbound.get_status_display(),
        }
    ]
    if outbound.fit_submission_id:
        lines.append(_("FIT-Connect-Einreichung %(id)s") % {"id": outbound.fit_submission_id})
    for problem in outbound.problems:
        if isinstance(problem, dict):
            lines.append(
                _("Grund der Ablehnung: %(detail)s")
                % {"detail": problem.get("detail") or problem.get("title", "")}
            )
    if outbound.last_error and outbound.status != OutboundSubmission.Status.ACCEPTED:
        lines.append(
            _("Letzter Fehler (Versuch %(count)s): %(error)s")
            % {"count": outbound.attempts, "error": outbound.last_error}
        )
    return ChannelDetail(lines=lines)


def channel_detail(case: Case) -> ChannelDetail | None:
    inbound = (
        InboundSubmission.objects.filter(submission=case.submission_id).select_related("destination").first()
    )
    if inbound is not None:
        return _inbound_detail(inbound)
    outbound = OutboundSubmission.objects.filter(submission=case.submission_id).first()
    if outbound is not None:
        return _outbound_detail(outbound)
    return None
