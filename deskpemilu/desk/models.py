"""The periodic schedule's record: which worker took which slot."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """A slot of a periodic entry (desk/schedule.py), taken by one worker.

    The unique (entry, slot) pair is what keeps several workers, on several
    machines, from queuing the same slot twice: the second one's INSERT fails and
    it moves on. `task_result` is the run it queued (a django-tasks result id); empty
    when a run of the same task was still waiting, so none was added.
    """

    entry = models.CharField(_("entry"), max_length=64)
    slot = models.CharField(_("slot"), max_length=64)
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)
    worker = models.CharField(_("worker"), max_length=64)
    task_result = models.UUIDField(_("task result"), null=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "slot"], name="desk_scheduledrun_once_per_slot"
            )
        ]
        indexes = [models.Index(fields=["taken_at"])]

    def __str__(self) -> str:
        return f"{self.entry} {self.slot}"
