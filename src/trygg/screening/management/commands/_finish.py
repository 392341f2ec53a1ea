"""What the list and registry import commands do after an import: cross-match, audit, report, exit status."""

from django.core.management.base import BaseCommand, CommandError

from trygg.audit import log
from trygg.screening.crossmatch import crossmatch
from trygg.screening.engine import thresholds


def finish_import(command: BaseCommand, report, actor: str) -> None:
    """Re-run the cross-match, log the import, print the summary and the rejected records (exit 1 if any)."""
    flagged = crossmatch(thresholds())
    log.record(actor, "import", object_type="screening.dataset", summary=report.summary()[:300])
    command.stdout.write(report.summary())
    command.stdout.write(f"registry entities matching a list: {flagged}")
    for rejection in report.rejected[:50]:
        command.stderr.write(f"rejected {rejection}")
    if report.rejected:
        raise CommandError(f"{len(report.rejected)} record(s) rejected; the others were imported", returncode=1)
