"""The staff side of the end-to-end helpers: the staff desk's buttons, and applications to review."""

from __future__ import annotations

from bot.callbacks import StaffCB
from bot.clock import Clock
from bot.config import Settings
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.repo import PersonRepo
from bot.services.applications import ApplicationService
from emulator import BotAPIEmulator, FakeMessage, FakeUser
from tests.conftest import ADMIN
from tests.e2e import applicant_who_submitted, callback_prefix, press


async def press_staff(user: FakeUser, label: str) -> list[FakeMessage]:
    """Taps the latest staff button with this label (or its start)."""
    return await press(user, label, callback_prefix(StaffCB))


async def open_application(admin: FakeUser, reference: str = "GG-2026-000001") -> list[FakeMessage]:
    """A staff member's way to one application: /staff, in English, the review queue, the application."""
    await admin.say("/staff")
    await press_staff(admin, "🌐 English")
    await press_staff(admin, "📥 Review queue")
    return await press_staff(admin, reference)


async def reviewing(emulator: BotAPIEmulator, applicant_id: int) -> FakeUser:
    """An applicant who sent their application, and ADMIN on its screen, in English."""
    await applicant_who_submitted(emulator, applicant_id)
    admin = emulator.user(ADMIN, language_code="en")
    await open_application(admin)
    return admin


async def new_announcement(admin: FakeUser, audience: str) -> None:
    """/staff in English, a new announcement, its audience chosen (a button's label)."""
    await admin.say("/staff")
    await press_staff(admin, "🌐 English")
    await press_staff(admin, "📣 Announcements")
    await press_staff(admin, "✍ New announcement")
    await press_staff(admin, "👥 Audience")
    await press_staff(admin, audience)


async def submitted_directly(settings: Settings, clock: Clock, count: int, first_user: int) -> list[tuple[int, str]]:
    """``count`` web developers' applications submitted through the service (no chat): ids and references."""
    engine = make_engine(settings)
    submitted = []
    async with make_sessionmaker(engine)() as session:
        for user_id in range(first_user, first_user + count):
            await PersonRepo(session).load(user_id, "en", clock.now())
            await session.flush()
            service = ApplicationService(session, clock)
            draft = await service.create_draft(user_id, "web_developer")
            submitted.append((draft.id, (await service.submit(draft)).reference))
    await engine.dispose()
    return submitted
