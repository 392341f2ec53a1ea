"""The screening's recurring jobs: deleting cases past their retention time; screening cases again after an update."""

from trygg.core import jobs


def retention(context: jobs.JobContext) -> str:
    from trygg.screening.cases import delete_expired

    counts = delete_expired()
    return (
        f"raderade {counts['cases']} ärenden, {counts['entities']} inmatade personer/företag, "
        f"{counts['judgements']} bedömningar"
    )


def rescreening(context: jobs.JobContext) -> str:
    from trygg.screening.rescreen import rescreen_all

    return rescreen_all().summary()


def register() -> None:
    jobs.register("retention", retention, "Raderar granskningsärenden efter lagringstiden", "30 3 * * *")
    jobs.register(
        "rescreening",
        rescreening,
        "Granskar öppna och nyligen beslutade ärenden på nytt efter en uppdatering av listor eller register",
        "0 5 * * *",
    )
