"""The applicant's copy of a submitted application: one HTML file, their language beside Korean,
to keep and to use when they fill in the application on gg24."""

from __future__ import annotations

import html
from datetime import datetime

from bot.i18n import Translator, translator
from bot.services.replies import MadeFile
from dialogs import application_form as af
from dialogs.question_screens import display_value
from knowledge.loader import load
from knowledge.profile import Profile
from knowledge.text import Lines, Message, T

KOREAN = "ko"


def _pair(tr: Translator, ko: Translator, message: Message) -> tuple[str, str]:
    return tr.render(message), ko.render(message)


def build(
    *,
    reference: str,
    submitted: datetime,
    values: dict[str, object],
    profile: Profile,
    documents: list[tuple[str, str]],
    locale: str,
) -> bytes:
    """``documents``: (document id, sha256) of the uploaded files."""
    tr, ko = translator(locale), translator(KOREAN)
    kb = load()
    rows: list[tuple[Message, str]] = []
    for f in af.FIELDS:
        if f.key in values:
            rows.append((f.label, tr.render(af.display(f.key, values[f.key]))))
    for key, label in (
        ("nationality", T("Nationality")),
        ("occupation", T("Occupation")),
        ("salary_krw", T("Offered yearly salary")),
    ):
        value = getattr(profile, key)
        if value:
            rows.append((label, tr.render(display_value(key, value))))
    names = {d.id: d for d in kb.documents}
    title = _pair(tr, ko, T("Application summary"))
    programme = _pair(tr, ko, T(kb.programme.name))
    head = [
        f"<h1>{title[0]} / {title[1]}</h1>",
        f"<p>{programme[0]} — {programme[1]}</p>",
        f"<p><b>{reference}</b> · {tr.render(T('{date}', date=submitted))}</p>",
        "<table border='1' cellpadding='4' cellspacing='0'>",
    ]
    body = []
    for row_label, value in rows:
        mine, korean = _pair(tr, ko, row_label)
        body.append(f"<tr><th>{mine}</th><th>{korean}</th><td>{value}</td></tr>")
    body.append("</table>")
    docs_title = _pair(tr, ko, T("Documents"))
    body.append(f"<h2>{docs_title[0]} / {docs_title[1]}</h2><ul>")
    for kind, sha in documents:
        d = names.get(kind)
        name = f"{tr.render(T(d.name))} — {html.escape(d.name_ko)}" if d else html.escape(kind)
        body.append(f"<li>{name} <small>SHA-256 {sha[:16]}…</small></li>")
    body.append("</ul>")
    note = _pair(
        tr,
        ko,
        T(
            "This summary is not the application: you file the official application yourself on gg24.gg.go.kr (the filing pack in the chat has every value). A recommendation is not a visa."
        ),
    )
    body.append(f"<p>{note[0]}</p><p>{note[1]}</p>")
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>"
        + html.escape(reference)
        + "</title></head><body>"
        + "".join(head + body)
        + "</body></html>"
    )
    return page.encode()


def made_file(reference: str, content: bytes) -> MadeFile:
    """The summary as the file the bot sends, named by the reference, with what it is (and is not)."""
    caption = Lines(
        (
            T(
                "Your application summary, in your language and in Korean: keep it. It is not the application: file that yourself on gg24.gg.go.kr."
            ),
        )
    )
    return MadeFile(f"{reference}.html", content, caption)
