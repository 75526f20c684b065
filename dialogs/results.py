"""The result screens: verdict, document checklist, the programme at a glance, welcome and help."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from dialogs.citations import cite_words, sources_text
from dialogs.deadline import deadline_note, info_only_banner, is_closed, minutes_left
from dialogs.screens import Action, Screen
from knowledge.documents import Checklist
from knowledge.employer import rules_for as employer_rules_for
from knowledge.loader import load
from knowledge.model import Cite, Document, Occupation
from knowledge.parameters import days_left, window_state
from knowledge.text import TP, Joined, Lines, Message, T, Text, Verbatim, WithKorean
from knowledge.verdict import Check, Outcome, Status, Verdict

HEADLINE = {
    Outcome.ELIGIBLE: T("✅ <b>You appear to be eligible</b>"),
    Outcome.CONDITIONAL: T("⚠️ <b>You may be eligible, but only if:</b>"),
    Outcome.NOT_ELIGIBLE: T("❌ <b>You do not appear to be eligible at the moment</b>"),
}

MARK = {Status.MET: "✔", Status.PENDING: "⚠", Status.UNMET: "✖"}


def cite_text(cite: Cite) -> Text:
    return cite_words(cite)


def _check_line(c: Check) -> Text:
    text = c.requirement() if c.status is Status.MET else c.reason()
    assert text is not None
    return T("{mark} {text}\n   {cite}", mark=Verbatim(MARK[c.status]), text=text, cite=cite_text(c.cite))


def verdict_screen(v: Verdict, now: datetime | None = None, quota_left: bool = True) -> Screen:
    """The outcome and the next step first, read without scrolling; then each part of the reasons
    (pathways with their sources, the nearest pathway, the employer's rules) folded, its first line
    its title (dialogs/budgets.py). ``now`` adds the close (information only) or the days left;
    without ``quota_left`` (every recommendation issued) it invites no application either."""
    closed = now is not None and is_closed(now)
    applying = not closed and quota_left
    body: list[Message] = [info_only_banner()] if closed else []
    body.append(HEADLINE[v.outcome])
    needed, either = _advice(v)
    if needed or either:
        wanted: list[Message] = [T("<b>What would make you eligible:</b>")]
        wanted += [T("• {advice}", advice=a) for a in needed]
        if either:  # the nearest pathways differ: one of them is enough
            wanted.append(T("• <i>and one of these:</i>") if needed else T("• <i>One of these:</i>"))
            wanted += [T("   – {advice}", advice=Joined(tuple(path))) for path in either]
        body.append(_lines(wanted))
    if v.outcome is not Outcome.NOT_ELIGIBLE and applying:
        body.append(
            T(
                "<b>Next:</b> prepare your application here (📝 below). Programme staff pre-check it; then <b>you file the official application yourself on gg24.gg.go.kr</b>: this bot does not file it for you."
            )
        )
        note = deadline_note(now) if now is not None else None
        if note is not None:
            body.append(note)
    if v.uncertain:
        body.append(
            T(
                "❓ Part of this rests on rules that are not confirmed. Please check with the Gyeonggi call centre, 031-120, before you apply."
            )
        )
    reasons: list[Message] = []
    if v.occupation:
        occ = v.occupation
        name = T(
            "Occupation: <b>{name}</b>, {track}", name=WithKorean(T(occ.name), occ.name_ko), track=Verbatim(occ.track)
        )
        reasons.append(_lines([name, _code_line(occ)]))
    for result in v.holding:
        lines: list[Message] = [
            T(
                "Pathway: <b>{title}</b>\n{explanation}",
                title=T(result.pathway.title),
                explanation=T(result.pathway.explanation),
            )
        ]
        lines += [_check_line(c) for c in result.checks]
        reasons.append(_lines(lines))
    problems = [c for c in v.general if c.status is not Status.MET]
    if problems:
        reasons.append(_lines([T("<b>For any pathway:</b>"), *(_check_line(c) for c in problems)]))
    if not v.holding:
        for result in v.nearest:
            near: list[Message] = [T("Closest pathway: <b>{title}</b>", title=T(result.pathway.title))]
            near += [_check_line(c) for c in result.checks if c.status is not Status.MET]
            reasons.append(_lines(near))
    reasons.append(
        T(
            "<i>This applies the published rules to your answers; it is not a decision. Gyeonggi Province decides on the recommendation and the Ministry of Justice on the visa.</i>"
        )
    )
    body.append(_folded(reasons))
    if v.alternatives:
        names = [T("• {name}", name=WithKorean(T(o.name), o.name_ko)) for o in v.alternatives]
        body.append(
            _folded([T("<b>These occupations would fit your answers better</b> (if your major suits them):"), *names])
        )
    if v.occupation and v.outcome is not Outcome.NOT_ELIGIBLE:
        rules = employer_rules_for(v.occupation)  # this occupation's only
        employer: list[Message] = [T("<b>What your employer must meet:</b>")]
        for rule in rules:
            mark = "❓" if rule.uncertain else "•"
            employer.append(
                T("{mark} {text}\n   {cite}", mark=Verbatim(mark), text=T(rule.text), cite=cite_text(rule.cite))
            )
        body.append(_folded([_lines(employer)]))
    actions = [Action("summary", T("Change an answer")), Action("restart", T("Start over"))]
    if v.outcome is not Outcome.NOT_ELIGIBLE and applying:
        actions.insert(0, Action("apply", T("📝 Start my application")))
    else:  # people prepare their documents while they fix what is missing
        actions.insert(0, Action("checklist", T("📋 My document checklist")))
    return Screen(f"verdict:{v.outcome.value}", tuple(body), actions=tuple(actions))


def _code_line(occ: Occupation) -> Text:
    """The guideline's code, and the September 2026 manual's newer ones beside it, marked as such
    (program-facts.md §12.1): shown, never used to decide."""
    code = T(
        "Occupation code: {code} <i>({source})</i>", code=Verbatim(occ.code), source=sources_text(load().codes_cite)
    )
    if not occ.codes_m5:
        return code
    newer = [
        T("{code} in its list <i>({source})</i>", code=Verbatim(c.code), source=sources_text(c.cite))
        if c.where == "list"
        else T("{code} in its detailed entry <i>({source})</i>", code=Verbatim(c.code), source=sources_text(c.cite))
        for c in occ.codes_m5
    ]
    return T(
        "{code}; newer numbering in the September 2026 stay manual: {newer}", code=code, newer=Joined(tuple(newer))
    )


def _advice(v: Verdict) -> tuple[list[Text], list[list[Text]]]:
    """The smallest changes that would help: what is needed in any case (the general conditions, and
    what every nearest pathway lacks alike), and, where the nearest pathways differ, each one's own
    lack, of which one is enough ("3 more years of experience" or "a Korean bachelor's", not both)."""
    if v.outcome is Outcome.ELIGIBLE:
        return [], []
    general = [c for c in v.general if c.status is not Status.MET]
    if any(c.condition.id == "job_offer" for c in general):  # "an offer in Gyeonggi" says it already
        general = [c for c in general if c.condition.id != "employer_gyeonggi"]
    needed = _unique(c.advice() for c in general)
    paths = [_unique(c.advice() for c in r.checks if c.status is not Status.MET) for r in v.holding or v.nearest]
    shared = [a for a in _unique(a for path in paths for a in path) if all(a in path for path in paths)]
    needed += [a for a in shared if a not in needed]
    either: list[list[Text]] = []
    for path in paths:
        own = [a for a in path if a not in needed]
        if own and own not in either:
            either.append(own)
    if len(either) == 1:  # one pathway left to fix: its needs are simply needed
        needed += either.pop()
    return needed, either


def _unique(advice: Iterable[Text]) -> list[Text]:
    return list(dict.fromkeys(advice))


def _lines(lines: list[Message]) -> Lines:
    return Lines(tuple(lines))


def _folded(lines: list[Message]) -> Lines:
    return Lines(tuple(lines), folded=True)


STAGES = (
    ("recommendation", T("<b>1. For the recommendation</b> (online at gg24.gg.go.kr)")),
    ("visa", T("<b>2. For the visa</b>, after the recommendation (at immigration)")),
)
SIDES = (("applicant", T("<u>From you</u>")), ("employer", T("<u>From your employer</u>")))


def _document(d: Document) -> Lines:
    lines: list[Message] = [T("• {name}", name=WithKorean(T(d.name), d.name_ko))]
    lines += [T("   <i>{note}</i>", note=T(n)) for n in d.notes]
    return _lines(lines)


def checklist_screen(cl: Checklist, now: datetime | None = None) -> Screen:
    kb = load()
    body: list[Message] = [T("📋 <b>Your document checklist</b>")]
    note = deadline_note(now) if now is not None else None
    if note is not None:
        body.append(note)
    for stage, heading in STAGES:
        parts: list[Message] = [heading]
        for side, side_heading in SIDES:
            docs = cl.of(stage, side)
            if docs:
                parts.append(_lines([side_heading, *(_document(d) for d in docs)]))
        body.append(_lines(parts))
    notes: list[Message] = [T("• {text}", text=T(n.text)) for n in cl.notes]
    if cl.tb_check_needed:
        notes.append(
            T(
                "• If your country is on the Ministry of Justice's list of {total} high-risk countries, you also need a tuberculosis (TB) test certificate (결핵 진단서).",
                total=kb.tb_countries_total,
            )
        )
    body.append(_lines([T("<b>Good to know</b>"), *notes]))
    return Screen("checklist", tuple(body))


def _timing(now: datetime) -> Text:
    kb = load()
    p = kb.programme
    state = window_state(kb, now)
    if state == "open":
        left = days_left(kb, now)
        if (minutes := minutes_left(now)) is not None:  # "today" at 23:30 invites a pause
            return TP(
                "Applications close <b>in {n} minute</b>, at {closes} (Korea time).",
                "Applications close <b>in {n} minutes</b>, at {closes} (Korea time).",
                minutes,
                closes=p.window.closes.timetz(),
            )
        return (
            # the hour alone: "today at December 31, 2026 11:59 PM" said the day twice
            T("Applications close <b>today</b> at {closes} (Korea time).", closes=p.window.closes.timetz())
            if left == 0
            else TP(
                "Applications close on {closes} (Korea time): <b>{n} day left</b>.",
                "Applications close on {closes} (Korea time): <b>{n} days left</b>.",
                left,
                closes=p.window.closes,
            )
        )
    if state == "closed":
        return T("<b>Applications closed</b> on {closes} (Korea time).", closes=p.window.closes)
    return T("Applications open on {opens} (Korea time).", opens=p.window.opens)


def quota_screen(issued: int, now: datetime) -> Screen:
    """/quota, for applicants and staff alike: recommendations issued and left, and the days left."""
    quota = load().programme.quota
    return Screen(
        "quota",
        (
            _lines(
                [
                    T(
                        "📊 <b>Recommendations</b>: {issued} of {quota} issued, <b>{remaining}</b> remaining.",
                        issued=issued,
                        quota=quota,
                        remaining=max(quota - issued, 0),
                    ),
                    _timing(now),
                    T("These figures count the recommendations recorded by programme staff in this assistant."),
                ]
            ),
        ),
    )


def programme_screen(now: datetime) -> Screen:
    kb = load()
    p = kb.programme
    timing = _timing(now)
    lines: list[Message] = [
        T("🏛 <b>{name}</b>", name=WithKorean(T(p.name), p.name_ko)),
        T("• Recommended by: {authority}", authority=WithKorean(T(p.authority), p.authority_ko)),
        T("• Up to {quota} recommendations in total; 12 occupations.", quota=p.quota),
        T("• {timing}", timing=timing),
        T(
            "• Apply online only: {channel}, {url}",
            channel=WithKorean(T(p.channel_name), p.channel_name_ko),
            url=Verbatim(p.channel_url),
        ),
        T("• Questions: Gyeonggi call centre {phone}", phone=Verbatim(p.contact_phone)),
        T("• {fact}", fact=T(p.facts[0].text)),
    ]
    return Screen("programme", (_lines(lines),))


def welcome_screen() -> Screen:
    return Screen(
        "welcome",
        (
            T(
                "👋 <b>Hello!</b> I help foreign professionals check whether they can get a recommendation for an E-7 visa from Gyeonggi Province."
            ),
            T(
                "I will ask a few short questions (about 2 minutes) and then show your result, the reasons and your document checklist. No personal data is needed. Your answers are saved: you can stop and continue until applications close on {closes} (Korea time).",
                closes=load().programme.window.closes,
            ),
        ),
    )


def help_screen() -> Screen:
    return Screen(
        "help",
        (
            T("<b>How to use this bot</b>"),
            T(
                "/start: continue the questionnaire\n/restart: start over\n/apply: prepare your application\n/status: your application's status\n/gg24: your filing pack for gg24\n/quota: recommendations issued and remaining\n/share: let your employer follow your application\n/employer: for employers\n/mydata: see all data stored about you\n/delete: delete your data\n/language: change the language\n/about: the programme at a glance\n/help: this message"
            ),
            T("/ask followed by your question: ask programme staff (they answer here)"),
            T(
                "Answer with the buttons; where a number or a name is asked, type it. Every step has Back and Start over."
            ),
        ),
    )
