"""Documents for the application: which ones, what a file may be, and the documents screen."""

from __future__ import annotations

from dialogs.screens import Action, Screen
from knowledge.documents import checklist
from knowledge.loader import load
from knowledge.model import Document
from knowledge.profile import Profile
from knowledge.text import Lines, Message, T, Text, Verbatim, WithKorean

MAX_BYTES = 20 * 1024 * 1024  # Telegram lets a bot download at most 20 MB
ACCEPTED = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/heic": "heic",
    "image/heif": "heic",
}  # the declared type, a first filter only: bot/services/filecheck.py checks the bytes
NOT_UPLOADED = ("gg24_form",)  # filled in online on gg24, not a file


def required(p: Profile, pathways: tuple[str, ...]) -> tuple[Document, ...]:
    """The files the applicant provides for the recommendation, from their personal checklist."""
    return tuple(d for d in checklist(p, pathways).of("recommendation", "applicant") if d.id not in NOT_UPLOADED)


def check_file(mime_type: str | None, size: int | None) -> Text | None:
    """Why a file cannot be taken (None when it can)."""
    if size is not None and size > MAX_BYTES:
        return T(
            "This file is larger than 20 MB, the most Telegram lets a bot receive. Please send a smaller scan, for example a PDF under 20 MB."
        )
    if size == 0:
        return T("This file is empty. Please send the scan again.")
    if (mime_type or "") not in ACCEPTED:
        return WRONG_TYPE
    return None


WRONG_TYPE = T("Please send a PDF or a photo (JPG or PNG) of the document.")


def content_refusal(code: str) -> Text:
    """Why the bytes themselves were refused (bot.services.filecheck's codes)."""
    if code == "damaged":
        return T(
            "This file cannot be opened: it looks damaged or incomplete. Please send the document again as a PDF or a photo (JPG or PNG)."
        )
    if code == "too_large_image":
        return T("This picture is too large to open. Please send a smaller photo (at most 50 megapixels) or a PDF.")
    return WRONG_TYPE  # another type under a PDF or image name: told what we take


def integrity_failed(name: Message) -> Text:
    """To staff and employers: a stored document that failed its check and was not sent."""
    return T(
        "{name}: this file failed its integrity check and was not sent. The applicant can upload it again.", name=name
    )


def progress(done: int, total: int) -> Text:
    return T("{done} of {total} documents", done=done, total=total)


def document_name(kind: str) -> Text:
    """A checklist document by its id: the translated name with the Korean one beside it."""
    doc = next((d for d in load().documents if d.id == kind), None)
    if doc is None:
        return T("{value}", value=Verbatim(kind))
    return T("{name}", name=WithKorean(T(doc.name), doc.name_ko))


def short_name(kind: str) -> Text:
    """A checklist document's short name, for a button ("Passport"); its whole name without one."""
    doc = next((d for d in load().documents if d.id == kind), None)
    return T(doc.short) if doc is not None and doc.short else document_name(kind)


def _checklist(
    docs: tuple[Document, ...], uploaded: dict[str, str], awaiting: str | None, choose: str, remove: str | None
) -> tuple[list[Message], list[Action]]:
    """The documents with their state, a button each (``choose``), and the prompt for the awaited one."""
    lines: list[Message] = []
    actions: list[Action] = []
    # Buttons name their document by its short name with its state, so nobody scrolls up to see
    # which is which: "📤 Passport" to send, "✅ Passport" to replace or, on that prompt, "🗑" to remove:
    # two taps, the first naming the document (a 🗑 beside every uploaded one was tapped by mistake
    # as the rows moved after each upload).
    for n, d in enumerate(docs, start=1):
        mark = "✅" if d.id in uploaded else "⬜"
        lines.append(T("{n}. {mark} {name}", n=n, mark=mark, name=WithKorean(T(d.name), d.name_ko)))
        short = T(d.short) if d.short else T("Document {n}", n=n)
        if d.id in uploaded:
            actions.append(Action(f"{choose}:{d.id}", T("✅ {name}", name=short)))
            if awaiting == d.id and remove is not None:
                actions.append(Action(f"{remove}:{d.id}", T("🗑 Remove")))
        else:
            actions.append(Action(f"{choose}:{d.id}", T("📤 {name}", name=short)))
    done = sum(d.id in uploaded for d in docs)
    body: list[Message] = [
        T("📎 <b>Your documents</b>: {progress}", progress=progress(done, len(docs))),
        Lines(tuple(lines)),
    ]
    if awaiting:
        name = next((d.name for d in docs if d.id == awaiting), awaiting)
        body.append(T("Send the file for <b>{name}</b> now: a PDF or a photo, at most 20 MB.", name=T(name)))
    else:
        body.append(
            T(
                "Tap a document to upload it. Foreign documents: with a translation and an apostille or consular confirmation."
            )
        )
    return body, actions


def documents_screen(
    docs: tuple[Document, ...], uploaded: dict[str, str], awaiting: str | None, submit_token: str = ""
) -> Screen:
    """The checklist with its upload buttons; Submit carries the one-time token of this screen."""
    body, actions = _checklist(docs, uploaded, awaiting, "doc", "rmdoc")
    # Back from a document's upload prompt is this screen without it; from this screen, the review
    actions.append(Action("docs", T("« Back")) if awaiting else Action("review", T("« Back to the application")))
    actions.append(Action(f"submit:{submit_token}", T("📨 Send for pre-check")))
    return Screen("form_docs", tuple(body), (), tuple(actions))


def update_screen(
    reference: str,
    request: Message,
    docs: tuple[Document, ...],
    uploaded: dict[str, str],
    awaiting: str | None,
    send_token: str,
) -> Screen:
    """More information requested: the sent application's documents, each to add or replace (a sent
    document is replaced, never removed), then the update sent back to programme staff."""
    head = T("📝 <b>Application {ref}</b>: more information requested.", ref=Verbatim(reference))
    body, actions = _checklist(docs, uploaded, awaiting, "updoc", None)
    if awaiting:
        actions.append(Action("upd", T("« Back")))
    actions.append(Action(f"updsend:{send_token}", T("📨 Send the update")))
    return Screen("upd_docs", (head, request, *body), (), tuple(actions))


def missing_text(missing: tuple[Document, ...]) -> Message:
    return Lines(
        (
            T("The draft cannot be sent for the pre-check yet: these documents are missing."),
            *(T("• {name}", name=WithKorean(T(d.name), d.name_ko)) for d in missing),
        )
    )
