"""The staff desk's questions (tickets): the queue, one question with its case and thread, a typed
reply, closing. The staff handler has checked the role; the ticket row is re-read under its lock
for every change (bot/services/tickets.py), so two staff closing at once close it once."""

from __future__ import annotations

from bot.services.replies import Reply
from bot.services.staff_desk_base import ACTIONS, StaffDeskBase
from bot.services.tickets import TicketError, TicketService
from dialogs import tickets as tk


class StaffTicketDesk(StaffDeskBase):
    def _tickets(self) -> TicketService:
        return TicketService(self.session, self.clock)

    def _only_apps(self) -> bool:
        return bool((self._get("tickets") or {}).get("apps"))

    @ACTIONS("tickets")
    async def _act_tickets(self, ident: int, arg: str) -> Reply:
        """The open questions a page at a time (``arg``: the page; none: the first). Only 20 were
        reachable: those waiting for the applicant, sorted last, never were."""
        await self._stop_waiting()
        page = int(arg) if arg.isdecimal() and len(arg) < 6 else 0  # a forged "²" or 10**30: the first
        rows, total = await self._tickets().queue(self._only_apps(), page)
        last = max((total - 1) // tk.PAGE, 0)
        if page > last:  # answered and closed since: the last page that has some
            page = last
            rows, total = await self._tickets().queue(self._only_apps(), page)
        return Reply([tk.queue_screen(rows, total, self._only_apps(), self.clock.now(), page)])

    @ACTIONS("tkfilter")
    async def _act_tkfilter(self, ident: int, arg: str) -> Reply:
        self._set(tickets={"apps": arg == "1"})
        return await self._act_tickets(0, "")

    @ACTIONS("tkopen")
    async def _act_tkopen(self, ident: int, arg: str) -> Reply:
        await self._stop_waiting()
        detail = await self._tickets().detail(self.staff, self.actor, ident)  # commits the audit entry
        if detail is None:
            return await self._with_notice(self._act_tickets(0, ""), tk.STAFF_ERRORS["closed"])
        return Reply([tk.ticket_screen(detail, self.state.locale)])

    @ACTIONS("tkreply")
    async def _act_tkreply(self, ident: int, arg: str) -> Reply:
        if not await self._tickets().is_open(ident):  # said before the reply is typed, not after
            await self._stop_waiting()
            return await self._with_notice(self._act_tickets(0, ""), tk.STAFF_ERRORS["closed"])
        self._set(
            awaiting={"kind": "ticket", "id": ident, "seen": int(arg) if arg.isdecimal() and len(arg) < 6 else None}
        )
        await self._save()
        return Reply([tk.staff_reply_prompt(ident)])

    @ACTIONS("tkclose")
    async def _act_tkclose(self, ident: int, arg: str) -> Reply:
        await self._stop_waiting()
        try:
            await self._tickets().close(self.staff, self.actor, ident)
        except TicketError as bad:
            await self._after_refusal()
            return await self._with_notice(self._act_tickets(0, ""), tk.STAFF_ERRORS[bad.code])
        return await self._with_notice(self._act_tickets(0, ""), tk.CLOSED_DONE)

    async def _ticket_text(self, ticket_id: int, text: str, seen: int | None = None) -> Reply:
        """The reply typed after "✍️ Reply": sent to the applicant as written, unless a colleague
        answered since the screen was shown (then it is shown back, to send again if still needed)."""
        await self._stop_waiting()
        try:
            await self._tickets().staff_reply(self.staff, self.actor, ticket_id, text, seen)
        except TicketError as bad:
            await self._after_refusal()
            if bad.code == "answered":
                return await self._with_notice(self._act_tkopen(ticket_id, ""), tk.answered_meanwhile(text))
            if bad.code == "too_long":  # not waiting again: Telegram sends a long text in parts,
                # and the next part would go to the applicant as the reply, cut mid-word
                reply = await self._with_notice(self._act_tkopen(ticket_id, ""), tk.STAFF_ERRORS["too_long"])
                await self._drop_tail()
                return reply
            return await self._with_notice(self._act_tickets(0, ""), tk.STAFF_ERRORS[bad.code])
        return await self._with_notice(self._act_tkopen(ticket_id, ""), tk.SENT)
