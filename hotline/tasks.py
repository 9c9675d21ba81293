"""Celery tasks for hotline tickets: thin wrappers around services."""

from celery import shared_task

from jiaotong.locks import single_run

from .services import tickets_flag_overdue


@shared_task
@single_run()
def flag_overdue_tickets_task() -> int:
    """Daily: 督办 every open ticket past its deadline (idempotent: each lapsed
    deadline is claimed once by a conditional update)."""
    return tickets_flag_overdue()
