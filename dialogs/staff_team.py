"""The staff interface's admin screens: staff members, the audit log, statistics, companies."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime

from dialogs.form_input import brn_text
from dialogs.screens import Action, Screen, action_of
from dialogs.staff import FUNNEL, STAGE_LABELS, occupation_name
from knowledge.loader import load
from knowledge.text import Joined, Language, Lines, Message, Name, S, T, Text, Verbatim


def team_screen(members: Sequence[tuple[int, str, bool]]) -> Screen:
    lines: list[Message] = [S("👥 <b>Staff members</b>")]
    actions: list[Action] = []
    for user_id, role, configured in members:
        role_label = S("administrator") if role == "admin" else S("reviewer")
        if configured:
            lines.append(S("{id}: {role} (STAFF_ADMIN_IDS)", id=Verbatim(str(user_id)), role=role_label))
        else:
            lines.append(S("{id}: {role}", id=Verbatim(str(user_id)), role=role_label))
            actions.append(action_of("unstaff", S("Remove {id}", id=Verbatim(str(user_id))), user_id))
    actions += [
        action_of("addstaff", S("➕ Add a reviewer"), arg="reviewer"),
        action_of("addstaff", S("➕ Add an administrator"), arg="admin"),
        action_of("audit", S("🧾 Audit log")),
        action_of("menu", S("« Staff menu")),
    ]
    return Screen("staff:team", (Lines(tuple(lines)),), actions=tuple(actions))


def add_staff_prompt(role: str) -> Screen:
    role_label = S("administrator") if role == "admin" else S("reviewer")
    return Screen(
        "staff:add",
        (S("Send the Telegram user id of the new {role} (digits only).", role=role_label),),
        actions=(action_of("team", S("Cancel")),),
    )


def _actor(actor: int) -> Text | Verbatim:
    """The audit log's actor: a Telegram id, the CLI (0), or a person who deleted their data (-1)."""
    if actor == 0:
        return S("the CLI")
    if actor < 0:
        return S("a person who deleted their data")
    return Verbatim(str(actor))


def audit_screen(entries: Sequence[tuple[datetime, int, str, str, str]]) -> Screen:
    lines: list[Message] = [S("🧾 <b>Audit log</b> (latest first)")]
    for at, actor, action, target, change in entries:
        lines.append(
            S(
                "{at} · {actor} · {action} · {target} {change}",
                at=at,
                actor=_actor(actor),
                action=Verbatim(action),
                target=Verbatim(target),
                change=Verbatim(change),
            )
        )
    return Screen("staff:audit", (Lines(tuple(lines)),), actions=(action_of("team", S("« Staff members")),))


# --- quota and statistics -----------------------------------------------------------------------


def stats_screen(counts: Mapping[tuple[str, str, str, str], int]) -> Screen:
    """The funnel, then by occupation and by language, then the unmet conditions (anonymous counts)."""
    totals = {stage: 0 for stage in FUNNEL}
    by_occupation: dict[str, dict[str, int]] = {}
    by_language: dict[str, dict[str, int]] = {}
    reasons: dict[str, dict[str, Counter[str]]] = {}
    for (stage, occupation, language, reason), n in counts.items():
        if stage not in totals:
            continue
        if stage == "ineligible" and reason:
            split = reasons.setdefault(reason, {"occupation": Counter(), "language": Counter()})
            split["occupation"][occupation] += n
            split["language"][language] += n
            continue
        totals[stage] += n
        if occupation:
            by_occupation.setdefault(occupation, {}).setdefault(stage, 0)
            by_occupation[occupation][stage] += n
        by_language.setdefault(language, {}).setdefault(stage, 0)
        by_language[language][stage] += n

    def row(values: Mapping[str, int]) -> Verbatim:
        return Verbatim(" / ".join(str(values.get(s, 0)) for s in FUNNEL))

    funnel = Lines(
        (
            S("📈 <b>Funnel</b> (people, anonymous)"),
            *(S("{stage}: <b>{n}</b>", stage=STAGE_LABELS[s], n=totals[s]) for s in FUNNEL),
        )
    )
    legend = S("Columns: started / finished / eligible / not eligible / application / submitted / recommended")
    occupations = Lines(
        (
            S("<b>By occupation</b>"),
            legend,
            *(S("{name}: {row}", name=occupation_name(o), row=row(v)) for o, v in sorted(by_occupation.items())),
        )
    )
    languages = Lines(
        (
            S("<b>By language</b>"),
            *(S("{name}: {row}", name=Language(lang), row=row(v)) for lang, v in sorted(by_language.items())),
        )
    )
    kb = load()
    top = sorted(reasons.items(), key=lambda kv: -sum(kv[1]["language"].values()))[:10]
    why_lines: list[Message] = [S("<b>Why people are not eligible</b> (unmet conditions)")]
    for condition, split in top:
        requirement = kb.conditions[condition].requirement if condition in kb.conditions else condition
        why_lines.append(S("{n} × {condition}", n=sum(split["language"].values()), condition=T(requirement)))
        why_lines.append(
            S(
                "   by occupation: {occupations} · by language: {languages}",
                occupations=Joined(
                    tuple(S("{name} {n}", name=occupation_name(o), n=k) for o, k in split["occupation"].most_common(3))
                ),
                languages=Joined(
                    tuple(S("{name} {n}", name=Language(lang), n=k) for lang, k in split["language"].most_common())
                ),
            )
        )
    if not top:
        why_lines.append(S("(none yet)"))
    why = Lines(tuple(why_lines))
    return Screen("staff:stats", (funnel, occupations, languages, why), actions=(action_of("menu", S("« Staff menu")),))


def companies_screen(companies: Sequence[tuple[int, str, str, str]], admin: bool = False) -> Screen:
    """Companies registered by employers and not yet verified: (id, name, BRN, city id); an
    administrator may also remove a registration."""
    lines: list[Message] = [S("🏢 <b>Companies to verify</b>")]
    if not companies:
        lines.append(S("None waiting."))
    actions = []
    places = {m.id: m.name_ko for m in load().municipalities}  # the staff read Korean place names
    for ident, name, brn, city in companies:
        lines.append(
            S(
                "{name} · {brn} · {city}",
                name=Verbatim(name),
                brn=Verbatim(brn_text(brn)),
                city=Verbatim(places.get(city, city)),
            )
        )
        actions.append(action_of("verify", S("✔ Verified: {name}", name=Name(name)), ident))
        if admin:
            actions.append(action_of("rmcompany", S("✖ Remove: {name}", name=Name(name)), ident))
    actions.append(action_of("menu", S("« Staff menu")))
    return Screen("staff:companies", (Lines(tuple(lines)),), actions=tuple(actions))


COMPANY_GONE = S("That company's registration no longer exists.")
COMPANY_REMOVED = S("Registration removed. Its members and candidates are told.")


def remove_company_question(ident: int, name: str, brn: str, members: int, candidates: int) -> Screen:
    """A registration made under someone else's business number (or in error), removed once asked
    again: its members and candidates are told, and the number can be registered again."""
    return Screen(
        "staff:rmcompany",
        (
            S(
                "Remove the registration of <b>{name}</b> ({brn})? Its {members} member(s) lose access and are told; {candidates} candidate(s) following it are told it no longer follows them. The business number can then be registered again.",
                name=Verbatim(name),
                brn=Verbatim(brn_text(brn)),
                members=members,
                candidates=candidates,
            ),
        ),
        actions=(
            action_of("rmcompany_sure", S("Yes, remove the registration"), ident),
            action_of("companies", S("« Companies")),
        ),
    )


def asked_screen(unmatched: Sequence[tuple[str, str, int]], unhelpful: Sequence[tuple[str, str, int]]) -> Screen:
    """The typed questions the FAQ could not answer, and the answers found unhelpful, most frequent
    first (anonymous counts: the normalised text, no person), to improve knowledge/data/faq*.yaml."""
    lines: list[Message] = [S("🔎 <b>Questions the FAQ could not answer</b> (count · language · text)")]
    lines += [
        S("{n} · {language} · {text}", n=n, language=Language(lang), text=Verbatim(key)) for lang, key, n in unmatched
    ]
    if not unmatched:
        lines.append(S("(none yet)"))
    helpless: list[Message] = [S("👎 <b>Answers found unhelpful</b> (count · language · FAQ entry)")]
    helpless += [
        S("{n} · {language} · {text}", n=n, language=Language(lang), text=Verbatim(key)) for lang, key, n in unhelpful
    ]
    if not unhelpful:
        helpless.append(S("(none yet)"))
    return Screen(
        "staff:asked", (Lines(tuple(lines)), Lines(tuple(helpless))), actions=(action_of("menu", S("« Staff menu")),)
    )
