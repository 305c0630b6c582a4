"""Site photos on day-labour tickets: checked by content, served only to those who may see."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sitebook.audit.models import ChangeRecord
from sitebook.core.errors import Conflict, Forbidden, InvalidInput
from sitebook.labour import services
from sitebook.labour.models import Ticket, TicketPhoto

DAY = dt.date(2026, 6, 2)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def tiny_png() -> bytes:
    """A real 1x1 greyscale PNG, built from its bytes."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + _chunk(b"IEND", b"")
    )


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _urls(ticket: Ticket, photo: TicketPhoto | None = None) -> dict[str, str]:
    base = {"project_id": ticket.project_id, "ticket_id": ticket.pk}
    urls = {
        "detail": reverse("labour:ticket_detail", kwargs=base),
        "add": reverse("labour:ticket_photo_add", kwargs=base),
    }
    if photo is not None:
        urls["photo"] = reverse("labour:ticket_photo", kwargs={**base, "photo_id": photo.pk})
        urls["delete"] = reverse(
            "labour:ticket_photo_delete", kwargs={**base, "photo_id": photo.pk}
        )
    return urls


def _records(photo: TicketPhoto) -> Any:
    kind = ContentType.objects.get_for_model(TicketPhoto)
    return ChangeRecord.objects.filter(content_type=kind, object_id=str(photo.pk))


def _client(user: Any) -> Client:
    web = Client()
    web.force_login(user)
    return web


def test_a_png_uploaded_from_the_page_is_shown_and_served_only_to_members(
    roster: Any, media: Path
) -> None:
    world = roster.world
    ticket = roster.ticket(DAY)
    web = _client(world.users["foreman"])
    page = web.get(_urls(ticket)["detail"]).content.decode()
    assert 'accept="image/*"' in page and 'capture="environment"' in page

    response = web.post(
        _urls(ticket)["add"],
        {"photo": SimpleUploadedFile("IMG_0001.png", tiny_png(), "image/png"), "caption": "5层"},
    )
    assert response.status_code == 302
    photo = TicketPhoto.objects.get(ticket=ticket)
    assert photo.content_type == "image/png" and photo.caption == "5层"
    assert photo.project_id == ticket.project_id
    assert photo.organisation_id == ticket.organisation_id
    assert photo.file.name.startswith(f"labour/tickets/{ticket.pk}/")
    assert (media / photo.file.name).read_bytes() == tiny_png()

    urls = _urls(ticket, photo)
    page = web.get(urls["detail"]).content.decode()
    assert urls["photo"] in page and "5层" in page
    assert "/media/" not in page

    served = _client(world.users["viewer"]).get(urls["photo"])
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == tiny_png()

    assert Client().get(urls["photo"]).status_code == 302  # signed out: asked to sign in
    assert _client(world.outsider).get(urls["photo"]).status_code == 404


def test_a_text_file_named_png_is_refused_naming_photo_and_nothing_is_written(
    roster: Any, media: Path
) -> None:
    world = roster.world
    ticket = roster.ticket(DAY)
    before = (TicketPhoto.objects.count(), ChangeRecord.objects.count())
    with pytest.raises(InvalidInput) as refused:
        services.ticket_photo_add(
            actor=world.users["foreman"],
            ticket=ticket,
            file=SimpleUploadedFile("photo.png", b"just some text, not a picture\n", "image/png"),
        )
    assert refused.value.errors[0]["field"] == "photo"
    assert (TicketPhoto.objects.count(), ChangeRecord.objects.count()) == before
    assert _files(media) == []

    # Through the page too: the message is shown, nothing is kept.
    web = _client(world.users["foreman"])
    response = web.post(
        _urls(ticket)["add"],
        {"photo": SimpleUploadedFile("photo.png", b"hello", "image/png")},
        follow=True,
    )
    assert "JPEG, PNG or WebP" in response.content.decode()
    assert TicketPhoto.objects.count() == before[0] and _files(media) == []


def test_size_type_permission_and_approved_tickets(roster: Any, media: Path, settings: Any) -> None:
    world = roster.world
    ticket = roster.ticket(DAY)
    foreman = world.users["foreman"]
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * (10 * 1024 * 1024))
    with pytest.raises(InvalidInput) as refused:
        services.ticket_photo_add(actor=foreman, ticket=ticket, file=big)
    assert refused.value.errors[0]["field"] == "photo"
    with pytest.raises(InvalidInput):
        services.ticket_photo_add(actor=foreman, ticket=ticket, file=None)
    webp = b"RIFF\x1a\x00\x00\x00WEBPVP8 " + b"\x00" * 16
    photo = services.ticket_photo_add(
        actor=foreman, ticket=ticket, file=SimpleUploadedFile("x.bin", webp)
    )
    assert photo.content_type == "image/webp" and photo.file.name.endswith(".webp")
    with pytest.raises(Forbidden):
        services.ticket_photo_add(
            actor=world.users["viewer"],
            ticket=ticket,
            file=SimpleUploadedFile("a.png", tiny_png()),
        )
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.APPROVED)
    ticket.refresh_from_db()
    with pytest.raises(Conflict):
        services.ticket_photo_add(
            actor=foreman, ticket=ticket, file=SimpleUploadedFile("a.png", tiny_png())
        )
    photo.refresh_from_db()
    with pytest.raises(Conflict):
        services.ticket_photo_delete(actor=foreman, photo=photo)
    assert TicketPhoto.objects.filter(pk=photo.pk).exists()


def test_another_organisation_gets_404(roster: Any, world_b: Any) -> None:
    ticket = roster.ticket(DAY)
    photo = services.ticket_photo_add(
        actor=roster.world.users["foreman"],
        ticket=ticket,
        file=SimpleUploadedFile("a.png", tiny_png()),
    )
    urls = _urls(ticket, photo)
    other = _client(world_b.admin)
    assert other.get(urls["photo"]).status_code == 404
    assert other.post(urls["delete"]).status_code == 404
    upload = {"photo": SimpleUploadedFile("a.png", tiny_png())}
    assert other.post(urls["add"], upload).status_code == 404
    assert TicketPhoto.objects.filter(ticket=ticket).count() == 1
    # A photo id of another ticket is not found under this one either.
    second = roster.ticket(DAY + dt.timedelta(days=1))
    wrong = reverse(
        "labour:ticket_photo",
        kwargs={"project_id": second.project_id, "ticket_id": second.pk, "photo_id": photo.pk},
    )
    assert _client(roster.world.admin).get(wrong).status_code == 404


def test_delete_removes_the_photo_and_its_file_and_is_audited(
    roster: Any, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    world = roster.world
    ticket = roster.ticket(DAY)
    photo = services.ticket_photo_add(
        actor=world.users["foreman"],
        ticket=ticket,
        file=SimpleUploadedFile("a.png", tiny_png()),
        caption="before",
    )
    created = _records(photo).filter(action="create").get()
    assert created.actor == world.users["foreman"]
    assert len(_files(media)) == 1
    urls = _urls(ticket, photo)
    assert _client(world.users["viewer"]).post(urls["delete"]).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(world.users["foreman"]).post(urls["delete"])
    assert response.status_code == 302
    assert not TicketPhoto.objects.filter(pk=photo.pk).exists()
    deleted = _records(photo).filter(action="delete").get()
    assert deleted.actor == world.users["foreman"] and deleted.source == "web"
    assert _files(media) == []
