"""Ticket numbers (工单编号): issued by the system per hotline and year, so the
operator never types or invents one."""

from __future__ import annotations

from ..models import Source, Ticket, TicketNumberSequence

# The number's prefix per hotline: JT12328-2026-0001, SQ12345-2026-0001.
NUMBER_PREFIX = {Source.H12328: "JT12328", Source.H12345: "SQ12345"}


def ticket_number_format(source: str, year: int, seq: int) -> str:
    return f"{NUMBER_PREFIX.get(source, source)}-{year}-{seq:04d}"


def ticket_number_next(*, source: str, year: int) -> str:
    """The next free number of ``source`` in ``year``. Call inside the intake
    transaction: the sequence row stays locked until it commits, and a failed
    intake rolls the increment back, so numbers run without gaps."""
    TicketNumberSequence.objects.get_or_create(source=source, year=year)
    seq = TicketNumberSequence.objects.select_for_update().get(source=source, year=year)
    while True:
        seq.last += 1
        number = ticket_number_format(source, year, seq.last)
        # an imported ticket may already carry this number
        if not Ticket.objects.filter(ticket_no=number).exists():
            break
    seq.save(update_fields=["last"])
    return number
