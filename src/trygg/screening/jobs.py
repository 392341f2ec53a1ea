"""The screening's recurring job: deleting cases past their retention time."""

from trygg.core import jobs


def retention(context: jobs.JobContext) -> str:
    from trygg.screening.cases import delete_expired

    counts = delete_expired()
    return (
        f"raderade {counts['cases']} ärenden, {counts['entities']} inmatade personer/företag, "
        f"{counts['judgements']} bedömningar"
    )


def register() -> None:
    jobs.register("retention", retention, "Raderar granskningsärenden efter lagringstiden", "30 3 * * *")
