"""What the list and registry import commands do after an import: cross-match, audit, report, exit status."""

from django.core.management.base import BaseCommand, CommandError

from trygg.audit import log
from trygg.core.importing import report_rejections
from trygg.screening.crossmatch import crossmatch
from trygg.screening.engine import thresholds


def finish_import(command: BaseCommand, report, actor: str) -> None:
    """Re-run the cross-match, log the import, print the summary and the rejected records (exit 1 if any; then
    nothing was stored and there is nothing to cross-match)."""
    command.stdout.write(report.summary())
    for warning in report.warnings[:50]:
        command.stderr.write(f"warning {warning}")
    if report.stored:
        flagged = crossmatch(thresholds())
        log.record(actor, "import", object_type="screening.dataset", summary=report.summary()[:300])
        command.stdout.write(f"registry entities matching a list: {flagged}")
    report_rejections(command, report)
    if getattr(report, "refusal", ""):
        raise CommandError(report.refusal, returncode=1)
