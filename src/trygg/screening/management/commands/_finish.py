"""What the list and registry import commands do after an import: cross-match, audit, report, exit status."""

import getpass

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

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
        log.record(f"{actor} ({operator()})", "import", object_type="screening.dataset", summary=report.summary()[:300])
        command.stdout.write(_("registry entities matching a list: %(n)s") % {"n": flagged})
    report_rejections(command, report)
    if getattr(report, "refusal", ""):
        raise CommandError(report.refusal, returncode=1)


def operator() -> str:
    """Who ran the command: the operating system's user name (the audit log names a person, not only a command)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in this environment
        return "okänd användare"
