"""/mydata and /delete as the person reads them: the export's caption, the question before erasing
(with the company that would go too), and what each answer says."""

from __future__ import annotations

from dialogs.screens import Screen, action_of
from knowledge.text import T, Verbatim

EXPORT_NAME = "my-data.json"
EXPORT_CAPTION = T("Everything this bot stores about you.")
KEPT = T("Nothing was deleted.")
ERASED = T("All your data has been deleted. If you write again, you start fresh.")
NO_LONGER_VALID = T(
    "That button is no longer valid (it was answered already, or a newer /delete replaced it): nothing was deleted. Send /delete to be asked again."
)


def erase_question(token: str, company: str | None) -> Screen:
    """Asked once more; its buttons carry the one-time token of this question only."""
    question = T(
        "⚠️ <b>Delete all your data?</b> Your answers, your application and its history will be erased. This cannot be undone."
    )
    if company is not None:  # they are its only member: it cannot stay without anyone to act for it
        question = T(
            "{question}\n\nYour company <b>{name}</b> is deleted too: you are its only member.",
            question=question,
            name=Verbatim(company),
        )
    actions = (
        action_of("erase", T("Yes, delete everything"), arg=token),
        action_of("keep", T("No, keep it"), arg=token),
    )
    return Screen("erase", (question,), actions=actions)
