"""The callback endpoint FIT-Connect calls when submissions are ready for one of our destinations."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from amtsweg.fitconnect.models import Destination
from amtsweg.fitconnect.services import callback_accept

logger = logging.getLogger("amtsweg.fitconnect")
MAX_BODY = 256 * 1024


def _problem(status: int, title: str) -> JsonResponse:
    return JsonResponse({"type": "about:blank", "title": title, "status": status}, status=status)


@csrf_exempt  # authenticated by the HMAC of the callback secret, not by a session
@require_POST
def callback(request: HttpRequest, destination_id: str) -> HttpResponse:
    destination = Destination.objects.filter(destination_id=destination_id, active=True).first()
    if destination is None:
        return _problem(404, "Zustellpunkt unbekannt")
    body = request.body
    if len(body) > MAX_BODY:
        return _problem(413, "Callback zu groß")
    try:
        announced = callback_accept(
            destination=destination,
            body=body,
            timestamp=request.headers.get("Callback-Timestamp", ""),
            mac=request.headers.get("Callback-Authentication", ""),
        )
    except PermissionError:
        logger.warning("FIT-Connect-Callback für %s mit falschem oder altem HMAC abgewiesen", destination)
        return _problem(401, "Callback nicht authentisch")
    except (ValueError, KeyError, TypeError):
        return _problem(400, "Kein gültiger Callback")
    return JsonResponse({"announced": len(announced)})
